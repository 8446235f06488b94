package io.a4c.functions.dynamo;

/**
 * A global secondary index as A4C declares it: every index projects all attributes, and every key
 * attribute is a string.
 *
 * @param name what queries name ({@code indexName})
 * @param partitionKey its partition key attribute
 * @param sortKey its sort key attribute
 */
public record IndexSpec(String name, String partitionKey, String sortKey) {}

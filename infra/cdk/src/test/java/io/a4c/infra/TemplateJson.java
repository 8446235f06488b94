package io.a4c.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/** Reads parts of a synthesized template that the assertions library cannot express directly. */
public final class TemplateJson {
  private TemplateJson() {}

  /** The logical id of a construct's CloudFormation resource. */
  public static String logicalId(IConstruct construct) {
    IConstruct child = construct.getNode().getDefaultChild();
    return Stack.of(construct).getLogicalId((CfnElement) (child == null ? construct : child));
  }

  /** Resources of one type, by logical id. */
  @SuppressWarnings("unchecked")
  public static Map<String, Map<String, Object>> resources(Template template, String type) {
    Map<String, Object> all = (Map<String, Object>) template.toJSON().get("Resources");
    Map<String, Map<String, Object>> matching = new LinkedHashMap<>();
    all.forEach(
        (id, resource) -> {
          Map<String, Object> r = (Map<String, Object>) resource;
          if (type.equals(r.get("Type"))) {
            matching.put(id, r);
          }
        });
    return matching;
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> properties(Map<String, Object> resource) {
    return (Map<String, Object>) resource.get("Properties");
  }

  /** Every statement of the inline policies attached to the role with this logical id. */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> statementsOfRole(Template template, String roleId) {
    List<Map<String, Object>> statements = new ArrayList<>();
    for (var policy : resources(template, "AWS::IAM::Policy").values()) {
      Map<String, Object> props = properties(policy);
      if (!((List<Object>) props.get("Roles")).contains(Map.of("Ref", roleId))) {
        continue;
      }
      Map<String, Object> document = (Map<String, Object>) props.get("PolicyDocument");
      statements.addAll((List<Map<String, Object>>) document.get("Statement"));
    }
    return statements;
  }

  /** A statement's actions or resources, whether CloudFormation holds one value or a list. */
  @SuppressWarnings("unchecked")
  public static List<Object> asList(Object value) {
    if (value == null) {
      return List.of();
    }
    return value instanceof List<?> list ? (List<Object>) list : List.of(value);
  }
}

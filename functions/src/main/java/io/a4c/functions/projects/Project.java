package io.a4c.functions.projects;

import java.time.Instant;

/** A project as stored and returned: its name, its configuration, when it last changed. */
public record Project(String projectName, ProjectConfig config, Instant updatedAt) {}

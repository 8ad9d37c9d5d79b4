#include <dlaunch/core/job_schema.hpp>

namespace dlaunch {

std::string_view job_json_schema() {
  return R"JSON({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "dlaunch job spec",
  "type": "object",
  "additionalProperties": false,
  "required": ["roles"],
  "properties": {
    "name": {"type": "string", "pattern": "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$",
             "description": "Job name (DNS label). Default: the spec file's stem."},
    "platform": {
      "description": "The platform id (default \"local\"; the CLI's -p wins), or a table of [platform.<id>] option tables.",
      "oneOf": [{"type": "string"}, {"type": "object", "additionalProperties": {"type": "object"}}]
    },
    "node_num": {"type": "integer", "minimum": 1, "default": 1},
    "device_per_node": {"type": "integer", "minimum": 0},
    "device_type": {"enum": ["CPU", "GPU", "NPU", "TPU"], "default": "CPU"},
    "working_dir": {"type": "string", "default": ".", "description": "Relative to the spec file."},
    "env": {"$ref": "#/$defs/env"},
    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    "failover": {
      "type": "object", "additionalProperties": false,
      "properties": {"max_restarts": {"type": "integer", "minimum": 0, "default": 0}}
    },
    "roles": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/role"}}
  },
  "$defs": {
    "env": {
      "type": "object",
      "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
      "additionalProperties": {"type": "string"}
    },
    "role": {
      "type": "object", "additionalProperties": false,
      "required": ["name", "entrypoint"],
      "properties": {
        "name": {"type": "string", "pattern": "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"},
        "entrypoint": {
          "description": "argv array, or a string run as /bin/sh -c STRING",
          "oneOf": [{"type": "string", "minLength": 1},
                    {"type": "array", "minItems": 1, "items": {"type": "string"}}]
        },
        "replicas": {"type": "integer", "minimum": 1, "default": 1},
        "per_node": {"type": "integer", "minimum": 1, "default": 1,
                     "description": "Replicas placed together on one node; replicas must be a multiple."},
        "resources": {
          "type": "object", "additionalProperties": false,
          "properties": {
            "cpu": {"type": "number", "exclusiveMinimum": 0, "default": 1},
            "gpu": {"type": "integer", "minimum": 0, "default": 0},
            "memory": {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|K|M|G|T)$"}
          }
        },
        "env": {"$ref": "#/$defs/env"},
        "driver": {"type": "boolean",
                   "description": "The job ends when every driver role has ended. No role marked: all are drivers."}
      }
    }
  }
}
)JSON";
}

}  // namespace dlaunch

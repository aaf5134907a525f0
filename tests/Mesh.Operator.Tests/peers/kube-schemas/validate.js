// Validates Kubernetes objects with implementations nobody here wrote. stdin: {mode, objects, crds}; stdout: a JSON
// array with one verdict per object, in order: {status: "valid" | "invalid" | "unknown-kind", message}.
//   mode "builtin": kubernetes-models 4.5.1 (Kubernetes' OpenAPI schemas, ajv) and, for cert-manager.io,
//                   @kubernetes-models/cert-manager 4.4.4, for monitoring.coreos.com (ServiceMonitor, PodMonitor),
//                   @kubernetes-models/prometheus-operator 4.4.4 (prometheus-operator's CRD schemas).
//   mode "custom":  each object against its CRD version's openAPIV3Schema (crds) with ajv, unknown fields rejected as
//                   kubectl's default strict field validation rejects them (except under
//                   x-kubernetes-preserve-unknown-fields).
"use strict";
const Ajv = require("ajv");

function readStdin() {
  return JSON.parse(require("fs").readFileSync(0, "utf8"));
}

function modelModule(apiVersion) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "cert-manager.io") return `@kubernetes-models/cert-manager/cert-manager.io/${version}`;
  if (group === "monitoring.coreos.com") return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}`;
  return group === "" ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`;
}

function builtin(objects) {
  return objects.map((object) => {
    let model;
    try {
      model = require(modelModule(String(object.apiVersion)))[object.kind];
    } catch {
      model = undefined;
    }
    if (typeof model !== "function") {
      return { status: "unknown-kind", message: `no model for ${object.apiVersion} ${object.kind}` };
    }
    try {
      new model(object).validate();
      return { status: "valid", message: "" };
    } catch (error) {
      return { status: "invalid", message: String(error.message) };
    }
  });
}

// Kubernetes' implicit rules that a plain JSON schema lacks, and OpenAPI 3.0 turned into JSON Schema: apiVersion/kind/metadata exist at the root, and an
// object schema without additionalProperties or x-kubernetes-preserve-unknown-fields knows all its fields.
function strict(schema, root) {
  if (schema === null || typeof schema !== "object") return schema;
  const copy = Array.isArray(schema) ? schema.map((s) => strict(s, false)) : {};
  if (Array.isArray(schema)) return copy;
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties") {
      copy.properties = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, strict(s, false)]));
    } else if (key === "items" || key === "additionalProperties" || key === "not") {
      copy[key] = typeof value === "object" ? strict(value, false) : value;
    } else if (key === "allOf" || key === "anyOf" || key === "oneOf") {
      copy[key] = value.map((s) => strict(s, false));
    } else if (!key.startsWith("x-kubernetes-")) {
      copy[key] = value;
    }
  }
  // OpenAPI 3.0 spells these differently from the JSON Schema ajv reads.
  for (const [exclusive, bound] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]]) {
    if (copy[exclusive] === true) {
      copy[exclusive] = copy[bound];
      delete copy[bound];
    } else if (copy[exclusive] === false) {
      delete copy[exclusive];
    }
  }
  if (copy.nullable === true && typeof copy.type === "string") {
    copy.type = [copy.type, "null"];
  }
  delete copy.nullable;
  if (root) {
    copy.properties = { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, ...copy.properties };
  }
  if (copy.properties && copy.additionalProperties === undefined && !schema["x-kubernetes-preserve-unknown-fields"]) {
    copy.additionalProperties = false;
  }
  return copy;
}

function custom({ crds, objects }) {
  // The integer formats of Kubernetes' OpenAPI; any other format a CRD names is an error, not silently ignored.
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    strictSchema: false,
    validateFormats: true,
    formats: {
      int32: { type: "number", validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
      int64: { type: "number", validate: (n) => Number.isInteger(n) },
      double: { type: "number", validate: (n) => Number.isFinite(n) },
      "date-time": /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i,
    },
  });
  const validators = new Map();
  for (const crd of crds) {
    for (const version of crd.spec.versions) {
      const key = `${crd.spec.group}/${version.name} ${crd.spec.names.kind}`;
      validators.set(key, ajv.compile(strict(version.schema.openAPIV3Schema, true)));
    }
  }
  return objects.map((object) => {
    const validate = validators.get(`${object.apiVersion} ${object.kind}`);
    if (!validate) return { status: "unknown-kind", message: `no CRD serves ${object.apiVersion} ${object.kind}` };
    if (validate(object)) return { status: "valid", message: "" };
    const message = validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}${e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : ""}`);
    return { status: "invalid", message: message.join("; ") };
  });
}

const input = readStdin();
const verdicts = input.mode === "builtin" ? builtin(input.objects) : input.mode === "custom" ? custom(input) : null;
if (verdicts === null) {
  console.error('stdin must be {"mode": "builtin" | "custom", "objects": [...], "crds": [...]}');
  process.exit(2);
}
process.stdout.write(JSON.stringify(verdicts));

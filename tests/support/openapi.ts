import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";

/**
 * Validates requests and responses against the published Phala Cloud OpenAPI document
 * (`../shared/reference/phala-cloud-openapi.json`, or the file named by `PHALA_OPENAPI_DOCUMENT`).
 * OpenAPI 3.1 schemas are JSON Schema 2020-12; `$ref`s to `#/components/…` resolve inside the document, and a
 * 3.0 `nullable: true` is read as "or null". A divergence names the operation, the part (request body, query
 * parameter, response) and the JSON path of the field.
 */

type JsonObject = Record<string, unknown>;

export type Exchange = {
  method: string;
  /** Concrete path including the API prefix, e.g. `/api/v1/cvms/cvm_abc/envs`. */
  path: string;
  query?: Record<string, string>;
  /** Parsed JSON request body; undefined when none was sent or it is not known. */
  requestBody?: unknown;
  /** True when it is known that no request body was sent (then a required body is missing). */
  noRequestBody?: boolean;
  /** The response status; undefined to check the request only. */
  status?: number;
  /** Parsed JSON response body; undefined when none. */
  responseBody?: unknown;
};

export type Divergence = { operation: string; where: string; problem: string };

const DOCUMENT_ENV = "PHALA_OPENAPI_DOCUMENT";

export function openApiDocumentPath(): string {
  const fromEnv = process.env[DOCUMENT_ENV];
  if (fromEnv) return resolve(fromEnv);
  return join(__dirname, "..", "..", "..", "shared", "reference", "phala-cloud-openapi.json");
}

type Operation = {
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};

const DOCUMENT_ID = "https://phala-cloud-openapi.local/openapi.json";

/** Rewrites `#/…` refs to the document id and 3.0 `nullable` to a null alternative. */
function prepare(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(prepare);
  if (schema === null || typeof schema !== "object") return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema as JsonObject)) {
    if (key === "$ref" && typeof value === "string" && value.startsWith("#/"))
      out[key] = `${DOCUMENT_ID}${value}`;
    else if (key !== "nullable") out[key] = prepare(value);
  }
  if ((schema as JsonObject).nullable === true) return { anyOf: [out, { type: "null" }] };
  return out;
}

export class OpenApiValidator {
  private readonly body = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  private readonly query = new Ajv2020({ strict: false, allErrors: true, coerceTypes: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; segments: string[] }[];
  private readonly paths: Record<string, Record<string, Operation>>;

  constructor(document: JsonObject) {
    this.paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
    const components = prepare({ $id: DOCUMENT_ID, components: document.components ?? {} }) as JsonObject;
    for (const ajv of [this.body, this.query]) {
      addFormats(ajv);
      // Formats the document uses beyond JSON Schema's: `hashid` ids carry their own `pattern`.
      ajv
        .addFormat("hashid", true)
        .addFormat("decimal", /^-?\d+(\.\d+)?$/)
        .addFormat("binary", true);
      ajv.addSchema(components);
    }
    this.templates = Object.keys(this.paths)
      .map((template) => ({ template, segments: template.split("/").filter(Boolean) }))
      // Literal segments before parameters, so `/kms/on-chain/{chain}` wins over `/kms/{kms_id}/...`.
      .sort((a, b) => literalWeight(b.segments) - literalWeight(a.segments));
  }

  static load(path = openApiDocumentPath()): OpenApiValidator {
    if (!existsSync(path)) {
      throw new Error(
        `OpenAPI document not found at ${path}: check out the shared folder beside the repository (../shared) or set ${DOCUMENT_ENV}`,
      );
    }
    return new OpenApiValidator(JSON.parse(readFileSync(path, "utf8")) as JsonObject);
  }

  /** The documented path template for a concrete path, e.g. `/api/v1/cvms/{cvm_id}/envs`. */
  template(path: string): string | undefined {
    const parts = path.split("?")[0]?.split("/").filter(Boolean) ?? [];
    return this.templates.find(
      ({ segments }) =>
        segments.length === parts.length &&
        segments.every((s, i) => (s.startsWith("{") && s.endsWith("}")) || s === parts[i]),
    )?.template;
  }

  /** Every way the exchange diverges from the document (empty when it conforms). */
  check(exchange: Exchange): Divergence[] {
    const method = exchange.method.toLowerCase();
    const template = this.template(exchange.path);
    const operationName = `${exchange.method.toUpperCase()} ${template ?? exchange.path}`;
    const operation = template ? this.paths[template]?.[method] : undefined;
    if (!template || !operation) {
      return [{ operation: operationName, where: "path", problem: "operation not in the OpenAPI document" }];
    }
    const found: Divergence[] = [];
    const add = (where: string, problem: string) => found.push({ operation: operationName, where, problem });

    for (const param of operation.parameters ?? []) {
      if (param.in !== "query") continue;
      const value = exchange.query?.[param.name];
      if (value === undefined) {
        if (param.required) add(`query ${param.name}`, "required parameter missing");
        continue;
      }
      const validate = this.compile(this.query, `${template} ${method} query ${param.name}`, param.schema);
      const holder = { value: value as unknown };
      if (!validate(holder)) for (const e of validate.errors ?? []) add(`query ${param.name}`, describe(e));
    }

    if (exchange.requestBody !== undefined) {
      const schema = operation.requestBody?.content?.["application/json"]?.schema;
      if (!operation.requestBody) add("request body", "the operation takes no request body");
      else if (schema)
        this.validate(`${template} ${method} request`, schema, exchange.requestBody, "request body", add);
    } else if (exchange.noRequestBody && operation.requestBody?.required) {
      add("request body", "required request body missing");
    }

    if (exchange.status === undefined) return found;
    const response = operation.responses?.[String(exchange.status)] ?? operation.responses?.default;
    if (!response) {
      add(`response ${exchange.status}`, `status ${exchange.status} is not documented for this operation`);
    } else {
      const schema = response.content?.["application/json"]?.schema;
      if (schema && exchange.responseBody !== undefined) {
        this.validate(
          `${template} ${method} ${exchange.status}`,
          schema,
          exchange.responseBody,
          `response ${exchange.status}`,
          add,
        );
      }
    }
    return found;
  }

  /** Throws an error listing every divergence of the exchanges. */
  assertConforms(exchanges: readonly Exchange[]): void {
    const problems = exchanges.flatMap((e) => this.check(e));
    if (problems.length === 0) return;
    const lines = [...new Set(problems.map((p) => `${p.operation} — ${p.where}: ${p.problem}`))];
    throw new Error(`${problems.length} divergence(s) from the OpenAPI document:\n  ${lines.join("\n  ")}`);
  }

  /**
   * A top-level `anyOf` (e.g. the CVM detail: basic info or full detail) is tried branch by branch; when none
   * matches, the errors of the closest branch (fewest errors) are reported.
   */
  private validate(
    key: string,
    schema: unknown,
    value: unknown,
    where: string,
    add: (where: string, problem: string) => void,
  ): void {
    const branches = (schema as { anyOf?: unknown[] }).anyOf;
    const candidates = Array.isArray(branches) ? branches : [schema];
    let best: ErrorObject[] | undefined;
    for (const [index, branch] of candidates.entries()) {
      const validate = this.compile(this.body, `${key} #${index}`, branch);
      if (validate(value)) return;
      const errors = relevant(validate.errors ?? []);
      if (!best || errors.length < best.length) best = errors;
    }
    for (const e of best ?? []) add(where, describe(e));
  }

  private compile(ajv: Ajv2020, key: string, schema: unknown): ValidateFunction {
    const cacheKey = `${ajv === this.query ? "q" : "b"} ${key}`;
    let validate = this.compiled.get(cacheKey);
    if (!validate) {
      const prepared = prepare(schema ?? {});
      validate =
        ajv === this.query
          ? ajv.compile({ type: "object", properties: { value: prepared as JsonObject } })
          : ajv.compile(prepared as JsonObject);
      this.compiled.set(cacheKey, validate);
    }
    return validate;
  }
}

function literalWeight(segments: string[]): number {
  return segments.reduce((n, s, i) => n + (s.startsWith("{") ? 0 : 2 ** (16 - i)), 0);
}

/** Drops the summary errors of nullable alternatives (`must be null`, `must match a schema in anyOf`). */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const specific = errors.filter(
    (e) =>
      e.keyword !== "anyOf" && !(e.keyword === "type" && (e.params as { type?: string }).type === "null"),
  );
  return specific.length > 0 ? specific : errors;
}

function describe(error: ErrorObject): string {
  const field = error.instancePath.replace(/^\/value/, "") || "(root)";
  const extra =
    error.keyword === "additionalProperties"
      ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})`
      : error.keyword === "enum"
        ? ` (${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)})`
        : "";
  return `${field} ${error.message ?? error.keyword}${extra}`;
}

let shared: OpenApiValidator | undefined;

/** One validator per process (the document is 1.2 MB). */
export function openApi(): OpenApiValidator {
  shared ??= OpenApiValidator.load();
  return shared;
}

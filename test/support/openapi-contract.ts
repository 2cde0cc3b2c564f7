import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { ApiResponse } from "./payments-api.ts";

// ajv-formats is CommonJS: under Node's ESM loader its function is the default export's default.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

const DOC_ID = "urn:payq:openapi";

interface Documented {
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
}
export interface OpenApi {
  paths: Record<string, Record<string, Documented>>;
  components: { schemas: Record<string, unknown> };
}

/**
 * Holds a running API to its published description: each answer must be one the description lists for
 * that operation, with a body its schema accepts; and every listed answer must be seen at least once.
 */
export class ContractCheck {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true });
  private readonly validators = new Map<string, ValidateFunction>();
  readonly seen = new Set<string>();

  constructor(private readonly doc: OpenApi) {
    addFormats(this.ajv);
    // The components live under a key JSON Schema does not know; registered so `#/components/...` refs resolve.
    this.ajv.addKeyword({ keyword: "components" });
    this.ajv.addSchema({ $id: DOC_ID, components: doc.components });
  }

  /** Every "METHOD path status" the description documents. */
  documented(): string[] {
    return Object.entries(this.doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, op]) => Object.keys(op.responses).map((status) => `${method.toUpperCase()} ${path} ${status}`)),
    );
  }

  /** Fails unless `response` is a documented answer of the operation, with a body its schema accepts. */
  check(method: string, path: string, response: ApiResponse): void {
    const name = `${method.toUpperCase()} ${path} ${response.status}`;
    const documented = this.doc.paths[path]?.[method.toLowerCase()]?.responses[String(response.status)];
    if (!documented) throw new Error(`undocumented answer ${name}: ${JSON.stringify(response.body)}`);
    const schema = documented.content?.["application/json"]?.schema;
    if (!schema?.$ref) throw new Error(`${name} documents no JSON body schema`);
    const validate = this.validatorFor(schema.$ref);
    if (!validate(response.body)) {
      throw new Error(`${name} body does not match ${schema.$ref}: ${this.ajv.errorsText(validate.errors)}; body ${JSON.stringify(response.body)}`);
    }
    this.seen.add(name);
  }

  private validatorFor(ref: string): ValidateFunction {
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOC_ID}${ref}` });
      this.validators.set(ref, validate);
    }
    return validate;
  }
}

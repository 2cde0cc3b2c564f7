import { escapeHtml } from "@payq/runtime";
import type { OpenApiDocument } from "./openapi.ts";

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  description?: string;
  schema: unknown;
}
interface Operation {
  operationId: string;
  summary: string;
  parameters: Parameter[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

const schemaOf = (content?: Record<string, { schema: unknown }>) => {
  const schema = content?.["application/json"]?.schema as { $ref?: string } | undefined;
  return schema?.$ref ? `<a href="#${escapeHtml(schema.$ref.split("/").pop())}">${escapeHtml(schema.$ref.split("/").pop())}</a>` : "";
};
/** Descriptions are CommonMark in OpenAPI; their only markup here is `code`. */
const prose = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");
const code = (value: unknown) => `<code>${escapeHtml(typeof value === "string" ? value : JSON.stringify(value))}</code>`;

function operationHtml(method: string, path: string, op: Operation): string {
  const parameters = op.parameters
    .map((p) => `<tr><td>${code(p.name)}</td><td>${p.in}</td><td>${p.required ? "yes" : "no"}</td><td>${code(p.schema)}</td><td>${prose(p.description ?? "")}</td></tr>`)
    .join("");
  const responses = Object.entries(op.responses)
    .map(([status, r]) => `<tr><td>${status}</td><td>${prose(r.description)}</td><td>${schemaOf(r.content)}</td></tr>`)
    .join("");
  return `<section id="${escapeHtml(op.operationId)}"><h2><span class="method">${method.toUpperCase()}</span> ${escapeHtml(path)}</h2>
<p>${prose(op.summary)}</p>
${parameters ? `<h3>Parameters</h3><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th>meaning</th></tr>${parameters}</table>` : ""}
${op.requestBody ? `<h3>Body</h3><p>${schemaOf(op.requestBody.content)}</p>` : ""}
<h3>Responses</h3><table><tr><th>status</th><th>meaning</th><th>body</th></tr>${responses}</table></section>`;
}

/** A readable, script-free rendering of the API description, served by the producer itself. */
export function docsPage(doc: OpenApiDocument): string {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, Operation>).map(([method, op]) => operationHtml(method, path, op)),
  );
  const schemas = Object.entries(doc.components.schemas).map(
    ([name, schema]) => `<section id="${escapeHtml(name)}"><h2>${escapeHtml(name)}</h2><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></section>`,
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}.method{background:#234;color:#fff;padding:0 .4rem}
pre{background:#f4f4f4;padding:.5rem;overflow:auto}</style></head><body>
<h1>${escapeHtml(doc.info.title)}</h1><p>${prose(doc.info.description)}</p>
<p>Authorization: ${prose(doc.components.securitySchemes.apiKey.description)}. Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${doc.openapi}).</p>
${operations.join("\n")}<h1>Schemas</h1>${schemas.join("\n")}</body></html>`;
}

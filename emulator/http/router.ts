/** A route template such as `/cvms/{id}/envs`; `{name}` matches one non-empty path segment. */
export type RouteTemplate = string;

export type RouteMatch<H> = { template: RouteTemplate; params: Record<string, string>; handler: H };

type Compiled<H> = { method: string; template: RouteTemplate; segments: string[]; handler: H };

/** Minimal method + path-template router. Literal segments win over parameters at the same position. */
export class Router<H> {
  private readonly routes: Compiled<H>[] = [];

  add(method: string, template: RouteTemplate, handler: H): this {
    this.routes.push({ method: method.toUpperCase(), template, segments: split(template), handler });
    // More literal segments first, so `/kms/on-chain/{chain}` wins over `/kms/{id}/...`-like templates.
    this.routes.sort((a, b) => specificity(b.segments) - specificity(a.segments));
    return this;
  }

  /** The matching route, `"method-not-allowed"` when only the method differs, or undefined. */
  match(method: string, path: string): RouteMatch<H> | "method-not-allowed" | undefined {
    const parts = split(path);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method !== method.toUpperCase()) {
        pathMatched = true;
        continue;
      }
      return { template: route.template, params, handler: route.handler };
    }
    return pathMatched ? "method-not-allowed" : undefined;
  }
}

function split(path: string): string[] {
  return path.split("/").filter((s) => s.length > 0);
}

function specificity(segments: string[]): number {
  return segments.reduce((n, s, i) => n + (s.startsWith("{") ? 0 : 2 ** (16 - i)), segments.length * 2 ** 20);
}

function matchSegments(template: string[], parts: string[]): Record<string, string> | undefined {
  if (template.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i] as string;
    const p = parts[i] as string;
    if (t.startsWith("{") && t.endsWith("}")) {
      let value: string;
      try {
        value = decodeURIComponent(p);
      } catch {
        return undefined;
      }
      params[t.slice(1, -1)] = value;
    } else if (t !== p) {
      return undefined;
    }
  }
  return params;
}

/**
 * The rules for the API prefix, shared by the provider and the functions. The API key travels in
 * every request's headers, so plain http is accepted only towards this machine (a local emulator).
 */

/** `URL.hostname` of a loopback address: `localhost`, 127.0.0.0/8 (the URL parser writes it dotted) or `[::1]`. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Why a string is not a usable API prefix, or `undefined`. Fixed texts: the URL is never repeated. */
export function apiUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return "is not a valid URL (expected e.g. https://cloud-api.phala.com/api/v1)";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must use https";
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return "must use https; http is accepted only for this machine (localhost, 127.0.0.0/8, [::1])";
  }
  if (url.hostname === "") return "must name a host";
  if (url.username !== "" || url.password !== "") {
    return "must not contain credentials; pass the API key separately";
  }
  if (url.search !== "" || url.hash !== "") return "must not contain a query string or fragment";
  return undefined;
}

/** The prefix without trailing slashes, or a TypeError with the problem. */
export function checkBaseUrl(baseUrl: string): string {
  const problem = apiUrlProblem(baseUrl);
  if (problem !== undefined) throw new TypeError(`Phala Cloud API URL ${problem}`);
  return baseUrl.trim().replace(/\/+$/, "");
}

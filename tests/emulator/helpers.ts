import { createPublicClient, createWalletClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { dstackAppAbi, localChain } from "../../emulator/chain/dstack-app";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../emulator/index";
import { encryptEnv, hexToBytes } from "../../provider/crypto";
import { checkAgainstOpenApi } from "../support/openapi-conformance";

/** An emulator with short operations, for tests; every exchange is checked against the OpenAPI document. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return checkAgainstOpenApi(
    await startEmulator({ ...options, settings: { operationDurationMs: 100, ...options.settings } }),
  );
}

export type RawResponse = { status: number; headers: Headers; body: unknown };

/** A plain HTTP call to the emulator's API with the API key (or without / with another one). */
export async function api(
  emulator: Emulator,
  method: string,
  path: string,
  options: {
    body?: unknown;
    rawBody?: string;
    apiKey?: string | null;
    headers?: Record<string, string>;
  } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { accept: "application/json", ...(options.headers ?? {}) };
  const key = options.apiKey === undefined ? emulator.apiKey : options.apiKey;
  if (key !== null) headers["x-api-key"] = key;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${emulator.apiUrl}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export async function inspectHttp(emulator: Emulator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${emulator.inspectUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

/** Encrypts `env` for a CVM with our own crypto (the emulator's key as seen by inspection). */
export function encryptFor(emulator: Emulator, cvm: string, env: Record<string, string>): string {
  const pubkey = emulator.inspectCvm(cvm).env_pubkey;
  return encryptEnv(
    Object.entries(env).map(([key, value]) => ({ key, value })),
    hexToBytes(pubkey),
  );
}

export function seed(emulator: Emulator, name: string) {
  const cvm = emulator.cvms.find((c) => c.name === name);
  if (!cvm) throw new Error(`no seed ${name}`);
  return cvm;
}

/** Sends `addComposeHash` as `privateKey` and waits for the receipt (status not checked). */
export async function sendAddComposeHash(
  emulator: Emulator,
  contract: `0x${string}`,
  composeHash: string,
  privateKey: Hex,
  options: { gas?: bigint; fn?: "addComposeHash" | "removeComposeHash" } = {},
) {
  const chain = localChain(emulator.chain.rpcUrl, emulator.chain.chainId);
  const transport = http(emulator.chain.rpcUrl);
  const wallet = createWalletClient({ account: privateKeyToAccount(privateKey), chain, transport });
  const client = createPublicClient({ chain, transport });
  const hash = await wallet.writeContract({
    address: contract,
    abi: dstackAppAbi,
    functionName: options.fn ?? "addComposeHash",
    args: [`0x${composeHash.replace(/^0x/, "")}` as Hex],
    ...(options.gas ? { gas: options.gas } : {}),
  });
  return client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
}

/** The `details` of a layout-C coded error as a field → value map. */
export function detailsOf(body: unknown): Record<string, unknown> {
  const details = (body as { details?: { field: string; value: unknown }[] }).details ?? [];
  return Object.fromEntries(details.map((d) => [d.field, d.value]));
}

import solc from "solc";
import {
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  getAddress,
  type Hex,
  http,
  parseAbi,
  parseEventLogs,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { localChain } from "../../emulator/chain/deploy-dstack";
import { dstackAppAbi } from "../../emulator/chain/dstack-contracts";
import type { Emulator } from "../../emulator/index";
import { encryptEnv, hexToBytes } from "../../provider/crypto";

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

/** A contract that executes calls, standing in for a Safe or DAO that owns a DstackApp. */
const FORWARDER_SOURCE = `// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;
contract Forwarder {
    function exec(address target, bytes calldata data) external {
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) assembly { revert(add(ret, 32), mload(ret)) }
    }
}`;

export const forwarderAbi = parseAbi(["function exec(address target, bytes data)"]);

let forwarderBytecode: Hex | undefined;

function chainClients(emulator: Emulator, privateKey: Hex) {
  const chain = localChain(emulator.chain.rpcUrl, emulator.chain.chainId);
  const transport = http(emulator.chain.rpcUrl);
  return {
    wallet: createWalletClient({ account: privateKeyToAccount(privateKey), chain, transport }),
    client: createPublicClient({ chain, transport }),
  };
}

/** Deploys a Forwarder (compiled with solc-js on first use) from `privateKey`; returns its address. */
export async function deployForwarder(emulator: Emulator, privateKey: Hex): Promise<`0x${string}`> {
  if (!forwarderBytecode) {
    const input = {
      language: "Solidity",
      sources: { "Forwarder.sol": { content: FORWARDER_SOURCE } },
      settings: { outputSelection: { "*": { "*": ["evm.bytecode.object"] } } },
    };
    const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
      contracts: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>;
    };
    const object = output.contracts["Forwarder.sol"]?.Forwarder?.evm.bytecode.object;
    if (!object) throw new Error("Forwarder did not compile");
    forwarderBytecode = `0x${object}`;
  }
  const { wallet, client } = chainClients(emulator, privateKey);
  const hash = await wallet.deployContract({ abi: [], bytecode: forwarderBytecode });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (!receipt.contractAddress) throw new Error("Forwarder deployment failed");
  return getAddress(receipt.contractAddress);
}

/** Sends `data` to `to` from `privateKey` and waits for the receipt (status not checked). */
export async function sendCall(emulator: Emulator, privateKey: Hex, to: `0x${string}`, data: Hex) {
  const { wallet, client } = chainClients(emulator, privateKey);
  const hash = await wallet.sendTransaction({ to, data });
  return client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
}

/** Has `forwarder` execute `data` on `target` (the transaction is sent to the forwarder). */
export function forwardCall(
  emulator: Emulator,
  privateKey: Hex,
  forwarder: `0x${string}`,
  target: `0x${string}`,
  data: Hex,
) {
  return sendCall(
    emulator,
    privateKey,
    forwarder,
    encodeFunctionData({ abi: forwarderAbi, functionName: "exec", args: [target, data] }),
  );
}

/** The compose hashes a transaction's receipt shows as added (`ComposeHashAdded` logs), in order. */
export async function registeredHashes(emulator: Emulator, transactionHash: string): Promise<Hex[]> {
  const { client } = chainClients(emulator, emulator.appOwner.privateKey);
  const receipt = await client.getTransactionReceipt({ hash: transactionHash as Hex });
  return parseEventLogs({ abi: dstackAppAbi, eventName: "ComposeHashAdded", logs: receipt.logs }).map(
    (log) => log.args.composeHash,
  );
}

/** A funded key that owns no app contract itself (a Safe owner acts only through the Safe). */
export function outsider(emulator: Emulator): Hex {
  const key = emulator.safe.owners[0]?.privateKey;
  if (!key) throw new Error("the emulator's Safe has no owners");
  return key;
}

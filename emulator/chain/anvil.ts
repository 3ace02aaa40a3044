import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { mnemonicToAccount } from "viem/accounts";
import { bytesToHex } from "viem/utils";

/** Anvil's well-known default mnemonic: its accounts are funded with 10 000 ETH each. */
export const ANVIL_DEFAULT_MNEMONIC = "test test test test test test test test test test test junk";

export type AnvilAccount = { address: `0x${string}`; privateKey: `0x${string}` };

export type AnvilOptions = {
  /** TCP port on 127.0.0.1; default: a free port. */
  port?: number;
  /** Chain id; default 31337. */
  chainId?: number;
  /** Number of funded accounts; default 10. */
  accounts?: number;
  /** Block time in seconds; default: automine (one block per transaction). */
  blockTime?: number;
  /** Milliseconds to wait for the node to answer; default 20 000. */
  startTimeoutMs?: number;
};

export type AnvilNode = {
  rpcUrl: string;
  chainId: number;
  /** The process id of the anvil binary itself. */
  pid: number;
  accounts: AnvilAccount[];
  stop(): Promise<void>;
};

const ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64" };

/** Path of the anvil binary shipped by the platform package of `@foundry-rs/anvil`. */
export function anvilBinaryPath(): string {
  const arch = ARCH[process.arch];
  if (!arch) throw new Error(`anvil: unsupported architecture ${process.arch}`);
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`;
  const binary = process.platform === "win32" ? "anvil.exe" : "anvil";
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new Error(`anvil: platform package ${pkg} is not installed (npm install @foundry-rs/anvil)`);
  }
  const path = join(dirname(pkgJson), "bin", binary);
  if (!existsSync(path)) throw new Error(`anvil: binary missing at ${path}`);
  return path;
}

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Derives the first `count` accounts of anvil's default mnemonic (m/44'/60'/0'/0/i). */
export function anvilAccounts(count: number): AnvilAccount[] {
  const accounts: AnvilAccount[] = [];
  for (let i = 0; i < count; i++) {
    const account = mnemonicToAccount(ANVIL_DEFAULT_MNEMONIC, { addressIndex: i });
    const privateKey = account.getHdKey().privateKey;
    if (!privateKey) throw new Error("anvil: could not derive account key");
    accounts.push({ address: account.address, privateKey: bytesToHex(privateKey) });
  }
  return accounts;
}

// A small POSIX sh guard between node and anvil. It reports anvil's pid on stdout, then blocks reading
// its stdin, which is a pipe from this node process. When node exits for any reason (even SIGKILL) the
// pipe closes, `cat` returns and the guard terminates anvil. So anvil never outlives the emulator.
const GUARD_SCRIPT = [
  '"$@" </dev/null >/dev/null 2>&1 &',
  "child=$!",
  'echo "anvil-pid $child"',
  "trap '' INT",
  "cat >/dev/null",
  'kill -TERM "$child" 2>/dev/null',
  'wait "$child" 2>/dev/null',
  "exit 0",
].join("\n");

const liveNodes = new Set<ChildProcess & { anvilPid?: number }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const guard of liveNodes) {
      if (guard.anvilPid) {
        try {
          process.kill(guard.anvilPid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      guard.kill("SIGKILL");
    }
  });
}

function readAnvilPid(guard: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const match = /anvil-pid (\d+)/.exec(buffer);
      if (match?.[1]) {
        guard.stdout?.off("data", onData);
        resolve(Number(match[1]));
      }
    };
    guard.stdout?.on("data", onData);
    guard.once("exit", (code) => reject(new Error(`anvil guard exited early (code ${code})`)));
    guard.once("error", reject);
  });
}

async function rpcChainId(rpcUrl: string): Promise<number | undefined> {
  try {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    const body = (await res.json()) as { result?: string };
    return body.result ? Number.parseInt(body.result, 16) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this id exists (signal 0 probes without sending anything). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return predicate();
}

/**
 * Starts a local anvil node on 127.0.0.1 (default chain id 31337, default mnemonic accounts) and resolves
 * once it answers `eth_chainId`. `stop()` terminates it and waits until the process is gone.
 */
export async function startAnvil(options: AnvilOptions = {}): Promise<AnvilNode> {
  const chainId = options.chainId ?? 31337;
  const accountCount = options.accounts ?? 10;
  const binary = anvilBinaryPath();
  let lastError: unknown;
  // A free port can be taken between probing and anvil binding it; retry a few times in that case.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.port ?? (await freePort());
    const args = [
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--chain-id",
      String(chainId),
      "--accounts",
      String(accountCount),
      "--mnemonic",
      ANVIL_DEFAULT_MNEMONIC,
      "--silent",
    ];
    if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));
    const guard: ChildProcess & { anvilPid?: number } =
      process.platform === "win32"
        ? spawn(binary, args, { stdio: ["pipe", "pipe", "ignore"], detached: false, windowsHide: true })
        : spawn("/bin/sh", ["-c", GUARD_SCRIPT, "anvil-guard", binary, ...args], {
            stdio: ["pipe", "pipe", "ignore"],
            detached: false,
          });
    installExitHook();
    liveNodes.add(guard);
    const anvilPid = process.platform === "win32" ? (guard.pid ?? 0) : await readAnvilPid(guard);
    guard.anvilPid = anvilPid;
    const rpcUrl = `http://127.0.0.1:${port}`;

    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        const guardExited =
          guard.exitCode !== null || guard.signalCode !== null
            ? Promise.resolve()
            : new Promise<void>((r) => guard.once("exit", () => r()));
        try {
          process.kill(anvilPid, "SIGTERM");
        } catch {
          // already gone
        }
        guard.stdin?.end();
        if (!(await waitFor(() => !pidAlive(anvilPid), 5000))) {
          try {
            process.kill(anvilPid, "SIGKILL");
          } catch {
            // already gone
          }
          await waitFor(() => !pidAlive(anvilPid), 2000);
        }
        if (process.platform === "win32") guard.kill();
        await Promise.race([guardExited, new Promise((r) => setTimeout(r, 2000))]);
        liveNodes.delete(guard);
      })();
      return stopped;
    };

    const deadline = options.startTimeoutMs ?? 20_000;
    const ready = await waitFor(async () => {
      if (!pidAlive(anvilPid)) return true;
      return (await rpcChainId(rpcUrl)) === chainId;
    }, deadline);
    if (ready && pidAlive(anvilPid)) {
      return { rpcUrl, chainId, pid: anvilPid, accounts: anvilAccounts(accountCount), stop };
    }
    lastError = new Error(
      ready ? `anvil exited during start (port ${port})` : `anvil did not answer on ${rpcUrl}`,
    );
    await stop();
    if (options.port !== undefined) break;
  }
  throw lastError instanceof Error ? lastError : new Error("anvil failed to start");
}

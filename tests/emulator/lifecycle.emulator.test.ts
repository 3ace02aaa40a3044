import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { pidAlive } from "../../emulator/chain/anvil";
import { startEmulator } from "../../emulator/index";

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return predicate();
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

const ROOT = join(__dirname, "..", "..");

/** Runs a TypeScript file in one node process (tsx as a loader, no wrapper process) and resolves with the child and its first stdout text matching `until`. */
function runTs(
  file: string,
  args: string[],
  until: RegExp,
): Promise<{ child: ChildProcess; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", file, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let errors = "";
    const timer = setTimeout(() => reject(new Error(`timeout; output: ${output} ${errors}`)), 60_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (until.test(output)) {
        clearTimeout(timer);
        resolve({ child, output });
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready: ${output} ${errors}`));
    });
  });
}

describe("emulator: lifecycle", () => {
  it("stop() shuts the API and anvil down; no anvil process remains", async function () {
    this.timeout(60_000);
    const emulator = await startEmulator({ seeds: [] });
    const pid = emulator.chain.anvilPid;
    assert.ok(pidAlive(pid));
    assert.equal(await answers(`${emulator.apiUrl}/kms`), true);
    await emulator.stop();
    assert.equal(pidAlive(pid), false, "anvil is gone");
    assert.equal(await answers(`${emulator.apiUrl}/kms`), false, "API port closed");
    assert.equal(await answers(emulator.chain.rpcUrl), false, "RPC port closed");
    await emulator.stop();
  });

  it("two emulators run side by side on free ports", async function () {
    this.timeout(60_000);
    const [a, b] = await Promise.all([startEmulator({ seeds: [] }), startEmulator({ seeds: [] })]);
    try {
      assert.notEqual(a.apiUrl, b.apiUrl);
      assert.notEqual(a.chain.rpcUrl, b.chain.rpcUrl);
      assert.notEqual(a.apiKey, b.apiKey);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    assert.equal(pidAlive(a.chain.anvilPid) || pidAlive(b.chain.anvilPid), false);
  });

  it("anvil dies with its parent even when the parent is SIGKILLed", async function () {
    this.timeout(90_000);
    const { child, output } = await runTs(join(__dirname, "fixtures", "start-and-wait.ts"), [], /\}\n/);
    const info = JSON.parse(output.trim()) as { anvilPid: number; rpcUrl: string };
    assert.ok(pidAlive(info.anvilPid));
    child.kill("SIGKILL");
    assert.equal(await waitUntil(() => !pidAlive(info.anvilPid), 10_000), true, "anvil outlived its parent");
    assert.equal(await answers(info.rpcUrl), false);
  });

  it("the CLI prints URL, key, CVMs, RPC and owner keys, and stops cleanly on Ctrl-C (SIGINT)", async function () {
    this.timeout(90_000);
    const { child, output } = await runTs(
      join(ROOT, "emulator", "cli.ts"),
      ["--port", "0"],
      /Ctrl-C to stop/,
    );
    const apiUrl = /API URL\s+(\S+)/.exec(output)?.[1];
    const apiKey = /API key\s+(\S+)/.exec(output)?.[1];
    const rpcUrl = /chain RPC\s+(\S+)/.exec(output)?.[1];
    assert.ok(apiUrl && apiKey && rpcUrl, output);
    assert.match(output, /app owner\s+0x[0-9a-fA-F]{40}\s+0x[0-9a-f]{64}/);
    for (const name of ["phala-env-demo", "onchain-env-demo", "onchain-pubkey-demo", "multisig-env-demo"]) {
      assert.match(output, new RegExp(`${name}\\s+cvm_[0-9a-f]+`));
    }
    const res = await fetch(`${apiUrl}/cvms/phala-env-demo`, { headers: { "x-api-key": apiKey } });
    assert.equal(res.status, 200);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    assert.equal(await exited, 0);
    assert.equal(await answers(rpcUrl), false, "anvil stopped with the CLI");
    assert.equal(await answers(`${apiUrl}/kms`), false);
  });
});

import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { addComposeHash, createClient, encryptEnvVars } from "@phala/cloud";
import { createPublicClient, http } from "viem";
import { anvil } from "viem/chains";
import { type Emulator, startEmulator } from "../emulator";
import { createCvmEnvironmentProvider } from "../provider";
import { pulumiSession } from "../scripts/engine/pulumi-session";
import { createWorkspace, type Workspace } from "../scripts/engine/workspace";

/** How many on-chain CVMs get a key-set change per run; `BENCH_CVM_COUNTS=20` (comma-separated) picks some. */
const COUNTS = (process.env.BENCH_CVM_COUNTS ?? "1,5,20").split(",").map(Number);
/** The CLI's default `--parallel`: 4 resource operations per CPU (`PULUMI_PARALLEL` overrides it). */
const CLI_DEFAULT_PARALLEL = availableParallelism() * 4;
/** The official CLI polls the CVM every 2 s while an update is applied (phala-api.md §3.6). */
const CLI_POLL_MS = 2_000;
const ENV = { LOG_LEVEL: "info", FEATURE: "on" };
const NEXT_ENV = { ...ENV, REGION: "eu" };

interface Side {
  label: string;
  ms: number;
  requests: number;
  transactions: number;
}

/**
 * The same job three ways (official SDK loop, provider called directly, provider through the pulumi
 * CLI in a project directory that installs the npm tarball): N on-chain CVMs each get a new env key
 * set (465, `addComposeHash`, phase 2, wait until applied). Figures are printed, not asserted.
 */
export async function benchSideBySide(): Promise<void> {
  printStartUp();
  const project = resolve(__dirname, "cli-project");
  const workspace = await createWorkspace(project);
  try {
    for (const blockTime of [undefined, 2]) {
      for (const n of COUNTS) await compare(workspace, project, n, blockTime);
    }
  } finally {
    workspace.dispose();
  }
}

async function compare(workspace: Workspace, project: string, n: number, blockTime: number | undefined) {
  const emulator = await startEmulator(blockTime === undefined ? {} : { anvil: { blockTime } });
  try {
    const projectDir = workspace.addProject(project, `bench-${n}-${blockTime ?? 0}`);
    const sides = [
      await sdkLoop(emulator, n),
      await providerDirect(emulator, n),
      ...(await providerThroughCli(emulator, n, projectDir)),
    ];
    // More resources than the CLI runs at once by default: also as a user who raises it would run it.
    if (n > CLI_DEFAULT_PARALLEL) {
      const parallelDir = workspace.addProject(project, `bench-${n}-${blockTime ?? 0}-parallel`);
      sides.push(...(await providerThroughCli(emulator, n, parallelDir, ["--parallel", String(n)])));
    }
    const mining = blockTime === undefined ? "instant mining" : `${blockTime} s blocks`;
    const opMs = emulator.settings().operationDurationMs;
    console.log(`\n${n} on-chain CVM(s), key-set change, ${mining}, emulator operation ${opMs} ms`);
    const base = sides[0]?.ms ?? 1;
    for (const side of sides) {
      console.log(
        `  ${side.label.padEnd(58)} ${side.ms.toFixed(0).padStart(6)} ms  ×${(side.ms / base).toFixed(2)}` +
          `   API requests ${String(side.requests).padStart(3)}   ${side.transactions} tx`,
      );
    }
  } finally {
    await emulator.stop();
  }
}

async function onchainCvms(emulator: Emulator, prefix: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const cvm = await emulator.createCvm({ name: `${prefix}-${i}`, kms: "onchain" });
    ids.push(cvm.id);
  }
  return ids;
}

async function measureSide(emulator: Emulator, label: string, run: () => Promise<void>): Promise<Side> {
  const chain = createPublicClient({ transport: http(emulator.chain.rpcUrl) });
  const nonce = () => chain.getTransactionCount({ address: emulator.appOwner.address, blockTag: "latest" });
  const nonceBefore = await nonce();
  emulator.resetRequests();
  const start = performance.now();
  await run();
  const ms = performance.now() - start;
  const requests = Object.values(emulator.requestCounts()).reduce((a, b) => a + b, 0);
  return { label, ms, requests, transactions: (await nonce()) - nonceBefore };
}

/** One CVM after another, as `phala envs update` uses the SDK. */
async function sdkLoop(emulator: Emulator, n: number): Promise<Side> {
  const ids = await onchainCvms(emulator, "sdk", n);
  const client = createClient({ apiKey: emulator.apiKey, baseURL: emulator.apiUrl });
  return measureSide(emulator, "@phala/cloud SDK loop (one CVM after another)", async () => {
    for (const id of ids) {
      const info = await client.getCvmInfo({ id });
      if (!info.app_id || !info.kms_type) throw new Error(`CVM ${id} has no app id or KMS`);
      const pubkey = await client.getAppEnvEncryptPubKey({ kms: info.kms_type, app_id: info.app_id });
      const envKeys = Object.keys(ENV);
      const encrypted = await encryptEnvVars(
        Object.entries(ENV).map(([key, value]) => ({ key, value })),
        pubkey.public_key,
      );
      const phase1 = await client.updateCvmEnvs({ id, encrypted_env: encrypted, env_keys: envKeys });
      if (phase1.status === "precondition_required") {
        const registered = await quietly(() =>
          addComposeHash({
            chain: anvil,
            rpcUrl: emulator.chain.rpcUrl,
            appId: `0x${phase1.app_id}`,
            composeHash: phase1.compose_hash,
            privateKey: emulator.appOwner.privateKey,
          }),
        );
        await client.updateCvmEnvs({
          id,
          encrypted_env: encrypted,
          env_keys: envKeys,
          compose_hash: phase1.compose_hash,
          transaction_hash: registered.transactionHash,
        });
      }
      for (;;) {
        await new Promise((done) => setTimeout(done, CLI_POLL_MS));
        const detail = await client.getCvmInfo({ id });
        if (detail.status === "running" && !detail.progress?.target && !detail.progress?.correlation_id)
          break;
      }
    }
  });
}

/**
 * `pulumi up` of a project with one CvmEnvironment per CVM (CLI, language host, program, provider
 * host): the first run, which type-checks and compiles the program, and a second one with the next
 * key set.
 */
async function providerThroughCli(
  emulator: Emulator,
  n: number,
  projectDir: string,
  upArgs: string[] = [],
): Promise<Side[]> {
  const ids = await onchainCvms(emulator, `cli${upArgs.length}`, n);
  const session = pulumiSession(projectDir);
  const pulumi = async (args: string[]) => {
    const result = await session.run(args);
    if (result.code !== 0) throw new Error(`pulumi ${args[0]} failed: ${result.stderr}`);
  };
  try {
    await pulumi(["stack", "init", "bench"]);
    const config: [string, string][] = [
      ["phala:apiUrl", emulator.apiUrl],
      ["phala:apiKey", emulator.apiKey],
      ["phala:rpcUrl", emulator.chain.rpcUrl],
      ["phala:privateKey", emulator.appOwner.privateKey],
      ["cvmIds", ids.join(",")],
      ["env", JSON.stringify(ENV)],
    ];
    for (const [key, value] of config) await pulumi(["config", "set", key, value]);
    const up = () => pulumi(["up", "--yes", "--skip-preview", ...upArgs]);
    const command = `pulumi up${["", ...upArgs].join(" ")}`;
    const first = await measureSide(emulator, `provider through the pulumi CLI (${command})`, up);
    // The same CVMs get the next key set: the program's TypeScript is now in ts-node's compile cache,
    // as on every run after the first one since the program was last edited.
    await pulumi(["config", "set", "env", JSON.stringify(NEXT_ENV)]);
    const again = await measureSide(emulator, `  ${command} again (next key set, compile cached)`, up);
    return [first, again];
  } finally {
    session.dispose();
  }
}

/** SDK 0.2.9's addComposeHash prints the receipt logs (a debug leftover, phala-api.md §7.5). */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => {};
  try {
    return await run();
  } finally {
    console.log = log;
  }
}

/** The provider's create on every CVM at once, as the engine runs independent resources in parallel. */
async function providerDirect(emulator: Emulator, n: number): Promise<Side> {
  const ids = await onchainCvms(emulator, "provider", n);
  const provider = createCvmEnvironmentProvider({ env: {}, report: () => {} });
  const values: Record<string, string> = {
    "phala:apiKey": emulator.apiKey,
    "phala:apiUrl": emulator.apiUrl,
    "phala:rpcUrl": emulator.chain.rpcUrl,
    "phala:privateKey": emulator.appOwner.privateKey,
  };
  await provider.configure?.({ config: { get: (key) => values[key], require: (key) => values[key] ?? "" } });
  return measureSide(emulator, "provider called directly (all CVMs in parallel)", async () => {
    await Promise.all(
      ids.map(async (cvmId) => {
        const checked = await provider.check?.({}, { cvmId, env: ENV });
        if (!checked?.inputs || (checked.failures?.length ?? 0) > 0) throw new Error("check failed");
        await provider.create?.(checked.inputs);
      }),
    );
  });
}

/** Wall time and heap of loading each entry in a fresh process (the built `dist/`). */
function printStartUp(): void {
  const dist = resolve(__dirname, "../dist");
  const load = (label: string, code: string) => {
    const script = `const t=process.hrtime.bigint();${code};const ms=Number(process.hrtime.bigint()-t)/1e6;
      process.stdout.write(JSON.stringify({ms,modules:Object.keys(require.cache).length,heap:process.memoryUsage().heapUsed}))`;
    const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as {
      ms: number;
      modules: number;
      heap: number;
    };
    console.log(
      `  ${label.padEnd(56)} ${out.ms.toFixed(0).padStart(5)} ms  ${String(out.modules).padStart(5)} modules` +
        `  heap ${(out.heap / 1e6).toFixed(1)} MB`,
    );
  };
  const provider = JSON.stringify(`${dist}/provider/index.js`);
  console.log("\nStart-up (fresh node process, built dist/)");
  load("provider entry (what the shim loads for check/diff)", `require(${provider})`);
  load(
    "provider entry + the apply path (first create/update)",
    `require(${provider});require(${JSON.stringify(`${dist}/provider/cvm-environment/operations.js`)})`,
  );
  load("SDK entry (what a program imports)", `require(${JSON.stringify(`${dist}/sdk/index.js`)})`);
  load("@pulumi/pulumi alone", `require("@pulumi/pulumi")`);
}

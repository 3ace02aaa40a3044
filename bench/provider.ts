import { performance } from "node:perf_hooks";
import { createPublicClient, http } from "viem";
import { type Emulator, startEmulator } from "../emulator";
import {
  assertBuiltProviderFresh,
  DynamicProviderHost,
  type Props,
  secret,
} from "../scripts/host/dynamic-provider-host";
import { userStateProviderText } from "../scripts/host/user-state-provider-text";

/**
 * Cost of the CvmEnvironment provider per engine step, measured through the real dynamic-provider
 * host over gRPC (the same path the engine takes, with the `__provider` text a user's state holds)
 * against the emulator: API requests per step from the emulator's request log, and on-chain
 * transactions per key-set change from the signer's nonce. Figures are printed, not asserted.
 */
export async function benchProvider(): Promise<void> {
  assertBuiltProviderFresh();
  const [emulator, providerText] = await Promise.all([startEmulator(), userStateProviderText()]);
  let host: DynamicProviderHost | undefined;
  try {
    host = await DynamicProviderHost.start({ project: "bench" });
    await run(emulator, host, providerText);
  } finally {
    await host?.stop();
    await emulator.stop();
  }
}

interface Step {
  label: string;
  requests: Record<string, number>;
  transactions?: number;
  ms: number;
}

async function run(emulator: Emulator, host: DynamicProviderHost, providerText: string): Promise<void> {
  const phala = emulator.cvms.find((c) => c.kms_type === "phala" && c.name === "phala-env-demo");
  const onchain = emulator.cvms.find((c) => c.kms_type !== "phala" && c.name === "onchain-env-demo");
  if (!phala || !onchain) throw new Error("the emulator's default seeds are missing");
  await host.configure({
    "phala:apiKey": secret(emulator.apiKey),
    "phala:apiUrl": emulator.apiUrl,
    "phala:privateKey": secret(emulator.appOwner.privateKey),
    "phala:rpcUrl": secret(emulator.chain.rpcUrl),
  });
  const chain = createPublicClient({ transport: http(emulator.chain.rpcUrl) });
  const nonce = () => chain.getTransactionCount({ address: emulator.appOwner.address, blockTag: "latest" });
  const urn = (name: string) => `urn:pulumi:bench::bench::pulumi-nodejs:dynamic:CvmEnvironment::${name}`;
  const check = async (olds: Props, news: Props) => {
    const result = await host.check({ urn: urn("r"), olds, news: { ...news, __provider: providerText } });
    if (result.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
    return result.inputs;
  };

  const steps: Step[] = [];
  const measureStep = async <T>(label: string, fn: () => Promise<T>, onChain = false): Promise<T> => {
    emulator.resetRequests();
    const nonceBefore = onChain ? await nonce() : 0;
    const start = performance.now();
    const result = await fn();
    const ms = performance.now() - start;
    const transactions = onChain ? (await nonce()) - nonceBefore : undefined;
    steps.push({
      label,
      requests: emulator.requestCounts(),
      ms,
      ...(transactions !== undefined ? { transactions } : {}),
    });
    return result;
  };

  // PHALA KMS (single phase).
  const env1 = { LOG_LEVEL: "info", DB_URL: "postgres://db/app", API_TOKEN: "token-1" };
  let inputs = await check({}, { cvmId: phala.id, env: env1 });
  const created = await measureStep("create (PHALA KMS, 3 keys)", () =>
    host.create({ urn: urn("phala"), properties: inputs }),
  );
  let state = created.properties;

  const same = {
    cvmId: phala.id,
    env: { API_TOKEN: "token-1", DB_URL: "postgres://db/app", LOG_LEVEL: "info" },
  };
  await measureStep("no-op (check + diff, keys reordered)", async () => {
    const news = await check(inputs, same);
    await host.diff({ id: created.id, urn: urn("phala"), olds: state, news });
  });

  const env2 = { ...env1, DB_URL: "postgres://db-2/app" };
  let news = await check(inputs, { cvmId: phala.id, env: env2 });
  state = (
    await measureStep("update, values only (PHALA KMS)", () =>
      host.update({ id: created.id, urn: urn("phala"), olds: state, news, oldInputs: inputs }),
    )
  ).properties;
  inputs = news;

  await measureStep("refresh (read, no drift)", () =>
    host.read({ id: created.id, urn: urn("phala"), properties: state, inputs }),
  );
  await measureStep("delete (PHALA KMS)", () =>
    host.delete({ id: created.id, urn: urn("phala"), properties: state, oldInputs: inputs }),
  );

  // On-chain KMS (two phases when the key set changes).
  let chainInputs = await check({}, { cvmId: onchain.id, env: { LOG_LEVEL: "info" } });
  const chainCreated = await measureStep(
    "create (on-chain KMS, new key set)",
    () => host.create({ urn: urn("onchain"), properties: chainInputs }),
    true,
  );
  let chainState = chainCreated.properties;
  const keySetChange = async (label: string, env: Record<string, string>) => {
    const next = await check(chainInputs, { cvmId: onchain.id, env });
    chainState = (
      await measureStep(
        label,
        () =>
          host.update({
            id: chainCreated.id,
            urn: urn("onchain"),
            olds: chainState,
            news: next,
            oldInputs: chainInputs,
          }),
        true,
      )
    ).properties;
    chainInputs = next;
  };
  await keySetChange("update, key-set change (on-chain, new hash)", { LOG_LEVEL: "info", FEATURE: "on" });
  await keySetChange("update, key-set change (on-chain, hash already allowed)", { LOG_LEVEL: "info" });
  news = await check(chainInputs, { cvmId: onchain.id, env: { LOG_LEVEL: "debug" } });
  await measureStep(
    "update, values only (on-chain KMS)",
    () =>
      host.update({
        id: chainCreated.id,
        urn: urn("onchain"),
        olds: chainState,
        news,
        oldInputs: chainInputs,
      }),
    true,
  );

  const settings = emulator.settings();
  console.log("\nCvmEnvironment provider, through the dynamic-provider host over gRPC against the emulator");
  console.log(`  __provider text (as a user's state holds it)   ${Buffer.byteLength(providerText)} bytes`);
  console.log(
    `  (emulator operation duration ${settings.operationDurationMs} ms; the provider polls the operation from 0.5 s up to every 2 s)`,
  );
  for (const step of steps) {
    const total = Object.values(step.requests).reduce((a, b) => a + b, 0);
    const tx = step.transactions === undefined ? "" : `   ${step.transactions} tx`;
    console.log(
      `  ${step.label.padEnd(56)} API requests ${String(total).padStart(2)}${tx}   ${step.ms.toFixed(0).padStart(5)} ms`,
    );
    const routes = Object.entries(step.requests)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([route, n]) => `${route} ×${n}`);
    if (routes.length > 0) console.log(`      ${routes.join(", ")}`);
  }
}

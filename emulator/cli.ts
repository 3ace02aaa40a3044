// `npm run emulator`: runs the emulator in the foreground until Ctrl-C.
//   --port <n>          API port (default 8000; 0 = any free port)
//   --api-key <key>     API key (default: phak_emulator_local)
//   --op-ms <ms>        operation duration (default 1500)
//   --kms-root <hex>    32-byte KMS root secret (fixes env keys across runs)
//   --block-time <s>    anvil mines a block every <s> seconds instead of one per transaction
import { type EmulatorOptions, startEmulator } from "./index";

function parseArgs(argv: string[]): EmulatorOptions {
  const options: EmulatorOptions = { port: 8000, apiKey: "phak_emulator_local" };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const need = () => {
      if (value === undefined) throw new Error(`${flag} needs a value`);
      i++;
      return value;
    };
    switch (flag) {
      case "--port":
        options.port = Number(need());
        break;
      case "--api-key":
        options.apiKey = need();
        break;
      case "--op-ms":
        options.settings = { ...options.settings, operationDurationMs: Number(need()) };
        break;
      case "--kms-root":
        options.kmsRootKey = need();
        break;
      case "--block-time": {
        const seconds = Number(need());
        if (!Number.isInteger(seconds) || seconds < 1)
          throw new Error("--block-time needs whole seconds ≥ 1");
        options.anvil = { ...options.anvil, blockTime: seconds };
        break;
      }
      case "--help":
      case "-h":
        process.stdout.write(
          "usage: npm run emulator -- [--port N] [--api-key KEY] [--op-ms MS] [--kms-root HEX] [--block-time S]\n",
        );
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  const emulator = await startEmulator(parseArgs(process.argv.slice(2)));
  const out = (line = "") => process.stdout.write(`${line}\n`);
  out("Phala Cloud API emulator (not the real cloud)");
  out();
  out(`  API URL        ${emulator.apiUrl}`);
  out(`  API key        ${emulator.apiKey}`);
  out(`  inspection     ${emulator.inspectUrl}   (no key; see emulator/README.md)`);
  out(`  chain RPC      ${emulator.chain.rpcUrl}   (anvil, chain id ${emulator.chain.chainId})`);
  const { blockTimeSeconds } = await emulator.chainStatus();
  out(
    `  blocks         ${blockTimeSeconds === null ? "one per transaction (automine)" : `every ${blockTimeSeconds} s`}`,
  );
  out(`  KMS k256 key   ${emulator.kmsPublicKey}`);
  out();
  out("  App owners (funded anvil keys; local test keys only):");
  out(`    app owner     ${emulator.appOwner.address}  ${emulator.appOwner.privateKey}`);
  const { safe } = emulator;
  out(
    `    Safe          ${safe.address}  (Safe v1.4.1, ${safe.threshold} of ${safe.owners.length}; MultiSendCallOnly ${safe.multiSend})`,
  );
  for (const [i, owner] of safe.owners.entries()) {
    out(`    Safe owner ${i + 1}  ${owner.address}  ${owner.privateKey}`);
  }
  out();
  out("  CVMs:");
  for (const cvm of emulator.cvms) {
    const owner =
      cvm.owner === null
        ? "PHALA KMS"
        : cvm.owner === emulator.appOwner.address
          ? "on-chain, owned by app owner"
          : cvm.owner === safe.address
            ? "on-chain, owned by the Safe"
            : `on-chain, owned by ${cvm.owner}`;
    out(`    ${cvm.name.padEnd(22)} ${cvm.id}  app_${cvm.app_id}  ${owner}`);
  }
  out();
  out(`  export PHALA_CLOUD_API_PREFIX=${emulator.apiUrl}`);
  out(`  export PHALA_CLOUD_API_KEY=${emulator.apiKey}`);
  out(`  export ETH_RPC_URL=${emulator.chain.rpcUrl}`);
  out(`  export PRIVATE_KEY=${emulator.appOwner.privateKey}`);
  out();
  out("Ctrl-C to stop.");

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping emulator…\n`);
    emulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

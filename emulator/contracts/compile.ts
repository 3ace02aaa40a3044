import { readFileSync } from "node:fs";
import { join } from "node:path";
import solc from "solc";

/** Compiler settings pinned so that the committed artifact is reproducible. */
export const DSTACK_APP_COMPILER_SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
} as const;

export type CompiledContract = {
  contractName: string;
  solcVersion: string;
  settings: typeof DSTACK_APP_COMPILER_SETTINGS;
  abi: unknown[];
  bytecode: `0x${string}`;
};

type SolcOutput = {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
};

export function dstackAppSourcePath(): string {
  // The .sol file sits next to this module in the source tree; from dist/ fall back to the source tree.
  const here = join(__dirname, "DstackApp.sol");
  try {
    readFileSync(here);
    return here;
  } catch {
    return join(__dirname, "..", "..", "..", "emulator", "contracts", "DstackApp.sol");
  }
}

/** Compiles emulator/contracts/DstackApp.sol with solc-js (standard JSON). Takes a few seconds. */
export function compileDstackApp(source = readFileSync(dstackAppSourcePath(), "utf8")): CompiledContract {
  const input = {
    language: "Solidity",
    sources: { "DstackApp.sol": { content: source } },
    settings: {
      ...DSTACK_APP_COMPILER_SETTINGS,
      metadata: { bytecodeHash: "none", appendCBOR: false },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) {
    throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  }
  const contract = output.contracts?.["DstackApp.sol"]?.DstackApp;
  if (!contract) throw new Error("solc output has no DstackApp contract");
  return {
    contractName: "DstackApp",
    solcVersion: String(solc.version()),
    settings: DSTACK_APP_COMPILER_SETTINGS,
    abi: contract.abi,
    bytecode: `0x${contract.evm.bytecode.object}`,
  };
}

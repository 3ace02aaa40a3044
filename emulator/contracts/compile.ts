import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import solc from "solc";
import { openZeppelinVersions, readDstackSources, readOpenZeppelinImport } from "./sources";

/** Upstream's build settings (solc optimizer on, 200 runs); the EVM version anvil runs by default. */
export const DSTACK_COMPILER_SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
} as const;

/** The contracts the emulator deploys. */
export const DSTACK_CONTRACTS = ["DstackKms", "DstackApp", "ERC1967Proxy"] as const;
export type DstackContractName = (typeof DSTACK_CONTRACTS)[number];

export type CompiledContract = { abi: unknown[]; bytecode: `0x${string}` };

export type DstackArtifacts = {
  /** The cache key: SHA-256 over the compiler version, settings, dstack sources and OpenZeppelin versions. */
  key: string;
  solcVersion: string;
  contracts: Record<DstackContractName, CompiledContract>;
};

type SolcOutput = {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
};

const PROXY_SOURCE = "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/** Where compiled artifacts are cached: `$PULUMI_PHALA_CACHE/dstack-contracts` (default ~/.cache/pulumi-phala). */
export function artifactCacheDir(): string {
  const base = process.env.PULUMI_PHALA_CACHE ?? join(homedir(), ".cache", "pulumi-phala");
  return join(base, "dstack-contracts");
}

function cacheKey(sources: Record<string, string>): string {
  const hash = createHash("sha256");
  hash.update(
    JSON.stringify({ solc: solc.version(), settings: DSTACK_COMPILER_SETTINGS, oz: openZeppelinVersions() }),
  );
  for (const name of Object.keys(sources).sort()) hash.update(`\0${name}\0${sources[name]}`);
  return hash.digest("hex");
}

/** Compiles the dstack contracts and OpenZeppelin's ERC1967Proxy with solc-js (about a minute on two cores). */
export function compileDstackContracts(sources = readDstackSources()): DstackArtifacts {
  const input = {
    language: "Solidity",
    sources: {
      ...Object.fromEntries(Object.entries(sources).map(([name, content]) => [name, { content }])),
      [PROXY_SOURCE]: { content: readOpenZeppelinImport(PROXY_SOURCE) },
    },
    settings: {
      ...DSTACK_COMPILER_SETTINGS,
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const findImports = (path: string) => {
    try {
      return { contents: readOpenZeppelinImport(path) };
    } catch {
      return { error: `import not found: ${path}` };
    }
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  const pick = (file: string, name: DstackContractName): CompiledContract => {
    const contract = output.contracts?.[file]?.[name];
    if (!contract) throw new Error(`solc output has no ${name} in ${file}`);
    return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
  };
  return {
    key: cacheKey(sources),
    solcVersion: String(solc.version()),
    contracts: {
      DstackKms: pick("DstackKms.sol", "DstackKms"),
      DstackApp: pick("DstackApp.sol", "DstackApp"),
      ERC1967Proxy: pick(PROXY_SOURCE, "ERC1967Proxy"),
    },
  };
}

let loaded: DstackArtifacts | undefined;

/**
 * The compiled contracts: from the cache when an artifact for exactly these sources, compiler and settings is
 * there, else compiled now and cached (written atomically, so parallel test processes may race safely).
 */
export function dstackArtifacts(): DstackArtifacts {
  const sources = readDstackSources();
  const key = cacheKey(sources);
  if (loaded?.key === key) return loaded;
  const file = join(artifactCacheDir(), `${key}.json`);
  if (existsSync(file)) {
    try {
      const cached = JSON.parse(readFileSync(file, "utf8")) as DstackArtifacts;
      if (cached.key === key) {
        loaded = cached;
        return cached;
      }
    } catch {
      // a damaged cache entry is rebuilt below
    }
  }
  const fresh = compileDstackContracts(sources);
  mkdirSync(artifactCacheDir(), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(fresh));
  renameSync(temporary, file);
  loaded = fresh;
  return fresh;
}

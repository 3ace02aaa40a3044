import { join } from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import type { Emulator } from "../../emulator";
import { createLocalEngine, type LocalEngine } from "../../scripts/engine/local-engine";
import { pulumiCliBinDir } from "../../scripts/engine/pulumi-cli";
import { requireTier } from "../support/require-tier";

export const REPO_ROOT = join(__dirname, "..", "..");

/** A cold build of the CLI from the Go module proxy takes about 5 to 12 minutes on two cores. */
const CLI_BUILD_TIMEOUT_MS = 45 * 60_000;

/**
 * For a `before` hook: makes sure the pulumi CLI exists, building it on first use (with a timeout
 * long enough for that build); skips the tier, or fails it under CI=true, when it cannot be had.
 */
export function providePulumiCli(context: Mocha.Context): void {
  context.timeout(CLI_BUILD_TIMEOUT_MS);
  try {
    pulumiCliBinDir();
  } catch (error) {
    requireTier(context, "engine", error);
  }
}

/** Everything the engine said, kept to search it for secrets. */
export interface Transcript {
  events: EngineEvent[];
  output: string[];
}

export function newTranscript(): Transcript {
  return { events: [], output: [] };
}

export function recorder(transcript: Transcript) {
  return {
    onEvent: (event: EngineEvent) => transcript.events.push(event),
    onOutput: (text: string) => transcript.output.push(text),
  };
}

/** A stack whose provider settings point at the emulator; the host starts in the repo root. */
export async function emulatorStack(
  emulator: Emulator,
  stackName: string,
  program: () => Promise<Record<string, unknown> | undefined>,
  options: { privateKey?: string; main?: string } = {},
): Promise<LocalEngine & { stack: Stack }> {
  const engine = await createLocalEngine({
    projectName: "pulumi-phala-e2e",
    main: options.main ?? REPO_ROOT,
    stackName,
    program,
  });
  await engine.stack.setAllConfig({
    "phala:apiUrl": { value: emulator.apiUrl },
    "phala:apiKey": { value: emulator.apiKey, secret: true },
    "phala:rpcUrl": { value: emulator.chain.rpcUrl },
    "phala:privateKey": { value: options.privateKey ?? emulator.appOwner.privateKey, secret: true },
    "phala:ownerActionDir": { value: join(engine.stateDir, "owner-actions") },
  });
  return engine;
}

export interface StepMeta {
  op: string;
  name: string;
  detailedDiff: Record<string, { diffKind: string }>;
  oldInputs: Record<string, unknown>;
  newInputs: Record<string, unknown>;
}

/** The engine's plan for each CvmEnvironment, from its resourcePreEvents. */
export function cvmEnvironmentSteps(events: readonly EngineEvent[]): StepMeta[] {
  const steps: StepMeta[] = [];
  for (const event of events) {
    const meta = event.resourcePreEvent?.metadata;
    if (meta?.type !== "pulumi-nodejs:dynamic:CvmEnvironment") continue;
    steps.push({
      op: meta.op,
      name: meta.urn.split("::").at(-1) ?? meta.urn,
      detailedDiff: (meta.detailedDiff ?? {}) as Record<string, { diffKind: string }>,
      oldInputs: (meta.old?.inputs ?? {}) as Record<string, unknown>,
      newInputs: (meta.new?.inputs ?? {}) as Record<string, unknown>,
    });
  }
  return steps;
}

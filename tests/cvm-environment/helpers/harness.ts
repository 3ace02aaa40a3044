import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { Emulator } from "../../../emulator";
import { createCvmEnvironmentProvider, type ProviderOptions } from "../../../provider";
import { DEFAULT_FLOW_LIMITS } from "../../../provider/cvm-environment/plan";
import type { CvmEnvironmentApi } from "../../../provider/cvm-environment/ports";
import { apiFor } from "../../../provider/cvm-environment/session";

export interface Harness {
  readonly provider: dynamic.ResourceProvider;
  readonly reports: string[];
}

/** The implementation configured like the host would, against the emulator, with short waits. */
export async function providerFor(
  emulator: Emulator,
  config: Record<string, string> = {},
  options: Partial<ProviderOptions> = {},
): Promise<Harness> {
  const reports: string[] = [];
  const provider = createCvmEnvironmentProvider({
    env: {},
    report: (message) => reports.push(message),
    timing: { pollIntervalMs: 50, maxPollIntervalMs: 200, receiptPollIntervalMs: 100 },
    limits: { ...DEFAULT_FLOW_LIMITS, baseDelayMs: 50, maxDelayMs: 200 },
    ...options,
  });
  const values: Record<string, string> = {
    "phala:apiKey": emulator.apiKey,
    "phala:apiUrl": emulator.apiUrl,
    "phala:rpcUrl": emulator.chain.rpcUrl,
    "phala:privateKey": emulator.appOwner.privateKey,
    "phala:ownerActionDir": mkdtempSync(join(tmpdir(), "phala-owner-actions-")),
    ...config,
  };
  await provider.configure?.({ config: { get: (key) => values[key], require: (key) => values[key] ?? "" } });
  return { provider, reports };
}

type Props = Record<string, unknown>;

/** A one-resource engine: check → create | diff → update/replace, refresh, destroy, like `pulumi up`. */
export class OneResourceStack {
  state: { id: string; outputs: Props; inputs: Props } | undefined;
  constructor(private readonly provider: dynamic.ResourceProvider) {}

  async up(news: Props): Promise<"create" | "update" | "replace" | "same"> {
    const checked = await this.provider.check?.(this.state?.inputs ?? {}, news);
    assert.deepEqual(checked?.failures ?? [], [], JSON.stringify(checked?.failures));
    const inputs = checked?.inputs as Props;
    if (!this.state) {
      const created = await this.provider.create(inputs);
      this.state = { id: created.id, outputs: created.outs, inputs };
      return "create";
    }
    const diff = await this.provider.diff?.(this.state.id, this.state.outputs, inputs);
    if (diff?.replaces?.length) {
      await this.destroy();
      const created = await this.provider.create(inputs);
      this.state = { id: created.id, outputs: created.outs, inputs };
      return "replace";
    }
    if (isDeepStrictEqual(this.state.inputs, inputs)) return "same";
    const updated = await this.provider.update?.(this.state.id, this.state.outputs, inputs);
    this.state = { id: this.state.id, outputs: updated?.outs, inputs };
    return "update";
  }

  async refresh(): Promise<Props | undefined> {
    assert.ok(this.state);
    const read = await this.provider.read?.(this.state.id, this.state.outputs);
    if (!read?.id) {
      this.state = undefined;
      return undefined;
    }
    this.state = { id: read.id, outputs: read.props, inputs: read.inputs ?? this.state.inputs };
    return read.inputs;
  }

  async destroy(): Promise<void> {
    if (!this.state) return;
    await this.provider.delete?.(this.state.id, this.state.outputs);
    this.state = undefined;
  }
}

export const patchCount = (emulator: Emulator): number =>
  emulator.requests().filter((r) => r.method === "PATCH" && /\/envs$/.test(r.path)).length;

/** `client` with some of its calls replaced, e.g. to reshape an answer or to record what is sent. */
export const apiWith = (
  client: CvmEnvironmentApi,
  overrides: Partial<CvmEnvironmentApi>,
): CvmEnvironmentApi => ({
  getCvm: (...args) => client.getCvm(...args),
  getComposeFile: (...args) => client.getComposeFile(...args),
  composeFileOfLastDetail: (...args) => client.composeFileOfLastDetail(...args),
  listOperations: (...args) => client.listOperations(...args),
  getAppEnvEncryptPubkey: (...args) => client.getAppEnvEncryptPubkey(...args),
  getKmsOnChainDetail: (...args) => client.getKmsOnChainDetail(...args),
  listCvms: (...args) => client.listCvms(...args),
  patchEnvs: (...args) => client.patchEnvs(...args),
  ...overrides,
});

/** `providerFor` with the production client, some of whose calls `overrides` replaces. */
export const providerWithApi = (
  emulator: Emulator,
  overrides: (client: CvmEnvironmentApi) => Partial<CvmEnvironmentApi>,
  config: Record<string, string> = {},
): Promise<Harness> =>
  providerFor(emulator, config, {
    createApi: (settings, report) => {
      const client = apiFor(settings, report);
      return apiWith(client, overrides(client));
    },
  });

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";
import type * as GrpcJs from "@grpc/grpc-js";
import type * as ProviderGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";

/**
 * Drives the real `@pulumi/pulumi/cmd/dynamic-provider` process (the `pulumi-resource-pulumi-nodejs`
 * plugin the engine starts) over gRPC with the SDK's own generated stubs, the way the engine does.
 * Every method returns plain JS decoded from the response Struct, so what a test sees has crossed
 * the wire exactly as the engine would receive it.
 */

export const REPO_ROOT = path.resolve(__dirname, "../..");

/** Object the engine wraps secret values in; the host unwraps it in Configure. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_MARKER = "1b47061264138c4ac30d75fd1eb44270";
/** What the engine sends for a value that is not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const secret = (value: unknown) => ({ [SECRET_SIG]: SECRET_MARKER, value });

export type Props = Record<string, unknown>;

export type DiffChanges = "DIFF_UNKNOWN" | "DIFF_NONE" | "DIFF_SOME";

export interface CheckResult {
  inputs: Props;
  failures: { property: string; reason: string }[];
}

export interface DiffResult {
  changes: DiffChanges;
  replaces: string[];
  deleteBeforeReplace: boolean;
  stables: string[];
  diffs: string[];
  hasDetailedDiff: boolean;
}

export interface ReadResult {
  id: string;
  properties: Props;
  /** Set only when the provider handed back refreshed inputs. */
  inputs?: Props;
}

/** A call the host answered with a gRPC error (a provider exception, a host refusal, …). */
export class HostCallError extends Error {
  override name = "HostCallError";
  constructor(
    readonly method: string,
    readonly code: number,
    readonly codeName: string,
    readonly details: string,
  ) {
    super(`${method}: gRPC ${codeName} (${code}): ${details}`);
  }
}

/** One answer of the host, as decoded plain JS (results) or the error text (failures). */
export interface TranscriptEntry {
  method: string;
  ok: boolean;
  result: unknown;
}

export interface HostOptions {
  /** The Pulumi program directory: cwd of the host, from which `__provider`'s requires resolve. */
  projectDir?: string;
  /** PULUMI_NODEJS_PROJECT: the project name bare config keys are prefixed with. */
  project?: string;
  /** Extra environment for the host; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  startTimeoutMs?: number;
}

/**
 * The environment variables the provider falls back to. They are removed from the host's
 * environment so that Configure is the only source of settings in these tests.
 */
export const PROVIDER_ENV_FALLBACKS = [
  "PHALA_CLOUD_API_KEY",
  "PHALA_CLOUD_API_PREFIX",
  "PRIVATE_KEY",
  "ETH_RPC_URL",
] as const;

interface Sdk {
  hostScript: string;
  grpc: typeof GrpcJs;
  Struct: typeof StructPb.Struct;
  pb: typeof ProviderPb;
  rpc: typeof ProviderGrpc;
}

/** The SDK pieces, resolved from the project directory (as the plugin launcher does) and the SDK itself. */
function loadSdk(projectDir: string): Sdk {
  const fromProject = createRequire(path.join(projectDir, "noop.js"));
  const hostScript = fromProject.resolve("@pulumi/pulumi/cmd/dynamic-provider");
  // The same @grpc/grpc-js and google-protobuf copies the SDK's stubs use.
  const fromSdk = createRequire(hostScript);
  return {
    hostScript,
    grpc: fromSdk("@grpc/grpc-js"),
    Struct: fromSdk("google-protobuf/google/protobuf/struct_pb").Struct,
    pb: fromProject("@pulumi/pulumi/proto/provider_pb"),
    rpc: fromProject("@pulumi/pulumi/proto/provider_grpc_pb"),
  };
}

export class DynamicProviderHost {
  /** Every answer in order; tests search it for secrets. */
  readonly transcript: TranscriptEntry[] = [];
  private stderrChunks: string[] = [];
  private exited: Promise<void>;

  private constructor(
    private readonly sdk: Sdk,
    private readonly child: ChildProcess,
    private readonly client: ProviderGrpc.ResourceProviderClient,
    readonly port: number,
  ) {
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => this.stderrChunks.push(chunk));
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
  }

  /** Starts the host with cwd = the program directory and reads its port from stdout. */
  static async start(options: HostOptions = {}): Promise<DynamicProviderHost> {
    const projectDir = options.projectDir ?? REPO_ROOT;
    const sdk = loadSdk(projectDir);
    const env: Record<string, string | undefined> = {
      ...process.env,
      PULUMI_NODEJS_PROJECT: options.project ?? "project",
    };
    // The host is plain node, as the plugin launcher runs it: no loaders from the test runner.
    delete env.NODE_OPTIONS;
    for (const name of PROVIDER_ENV_FALLBACKS) delete env[name];
    for (const [name, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    // The engine passes its own address; the host only requires that one is present.
    const child = spawn(process.execPath, [sdk.hostScript, "127.0.0.1:1"], {
      cwd: projectDir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let early = "";
    child.stderr?.setEncoding("utf8");
    const collectEarly = (chunk: string) => {
      early += chunk;
    };
    child.stderr?.on("data", collectEarly);
    try {
      const port = await readPort(child, options.startTimeoutMs ?? 20_000, () => early);
      child.stderr?.off("data", collectEarly);
      const client = new sdk.rpc.ResourceProviderClient(
        `127.0.0.1:${port}`,
        sdk.grpc.credentials.createInsecure(),
      );
      const host = new DynamicProviderHost(sdk, child, client, port);
      host.stderrChunks.push(early);
      return host;
    } catch (error) {
      child.kill("SIGKILL");
      throw error;
    }
  }

  /** Everything the host wrote to stderr (its own error logs and the provider's progress lines). */
  stderr(): string {
    return this.stderrChunks.join("");
  }

  /** Configure with the whole namespaced stack config; secret values go wrapped, as the engine sends them. */
  async configure(config: Props): Promise<{ acceptSecrets: boolean; supportsPreview: boolean }> {
    const request = new this.sdk.pb.ConfigureRequest();
    request.setArgs(this.struct(config));
    request.setAcceptsecrets(true);
    request.setAcceptresources(true);
    const response = await this.call<ProviderPb.ConfigureResponse>("configure", (done) =>
      this.client.configure(request, done),
    );
    return this.record("configure", {
      acceptSecrets: response.getAcceptsecrets(),
      supportsPreview: response.getSupportspreview(),
    });
  }

  async check(args: { urn: string; olds?: Props; news: Props }): Promise<CheckResult> {
    const request = new this.sdk.pb.CheckRequest();
    request.setUrn(args.urn);
    request.setOlds(this.struct(args.olds ?? {}));
    request.setNews(this.struct(args.news));
    const response = await this.call<ProviderPb.CheckResponse>("check", (done) =>
      this.client.check(request, done),
    );
    return this.record("check", {
      inputs: plain(response.getInputs()),
      failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    });
  }

  async diff(args: { id: string; urn: string; olds: Props; news: Props }): Promise<DiffResult> {
    const request = new this.sdk.pb.DiffRequest();
    request.setId(args.id);
    request.setUrn(args.urn);
    request.setOlds(this.struct(args.olds));
    request.setNews(this.struct(args.news));
    const response = await this.call<ProviderPb.DiffResponse>("diff", (done) =>
      this.client.diff(request, done),
    );
    const names: Record<number, DiffChanges> = {
      [this.sdk.pb.DiffResponse.DiffChanges.DIFF_UNKNOWN]: "DIFF_UNKNOWN",
      [this.sdk.pb.DiffResponse.DiffChanges.DIFF_NONE]: "DIFF_NONE",
      [this.sdk.pb.DiffResponse.DiffChanges.DIFF_SOME]: "DIFF_SOME",
    };
    const changes = names[response.getChanges()];
    if (changes === undefined) throw new Error(`diff: unexpected changes value ${response.getChanges()}`);
    return this.record("diff", {
      changes,
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
      stables: response.getStablesList(),
      diffs: response.getDiffsList(),
      hasDetailedDiff: response.getHasdetaileddiff(),
    });
  }

  async create(args: { urn: string; properties: Props }): Promise<{ id: string; properties: Props }> {
    const request = new this.sdk.pb.CreateRequest();
    request.setUrn(args.urn);
    request.setProperties(this.struct(args.properties));
    const response = await this.call<ProviderPb.CreateResponse>("create", (done) =>
      this.client.create(request, done),
    );
    return this.record("create", { id: response.getId(), properties: plain(response.getProperties()) });
  }

  async read(args: { id: string; urn: string; properties: Props; inputs?: Props }): Promise<ReadResult> {
    const request = new this.sdk.pb.ReadRequest();
    request.setId(args.id);
    request.setUrn(args.urn);
    request.setProperties(this.struct(args.properties));
    if (args.inputs) request.setInputs(this.struct(args.inputs));
    const response = await this.call<ProviderPb.ReadResponse>("read", (done) =>
      this.client.read(request, done),
    );
    return this.record("read", {
      id: response.getId(),
      properties: plain(response.getProperties()),
      ...(response.hasInputs() ? { inputs: plain(response.getInputs()) } : {}),
    });
  }

  async update(args: {
    id: string;
    urn: string;
    olds: Props;
    news: Props;
    oldInputs?: Props;
  }): Promise<{ properties: Props }> {
    const request = new this.sdk.pb.UpdateRequest();
    request.setId(args.id);
    request.setUrn(args.urn);
    request.setOlds(this.struct(args.olds));
    request.setNews(this.struct(args.news));
    if (args.oldInputs) request.setOldInputs(this.struct(args.oldInputs));
    const response = await this.call<ProviderPb.UpdateResponse>("update", (done) =>
      this.client.update(request, done),
    );
    return this.record("update", { properties: plain(response.getProperties()) });
  }

  async delete(args: { id: string; urn: string; properties: Props; oldInputs?: Props }): Promise<void> {
    const request = new this.sdk.pb.DeleteRequest();
    request.setId(args.id);
    request.setUrn(args.urn);
    request.setProperties(this.struct(args.properties));
    if (args.oldInputs) request.setOldInputs(this.struct(args.oldInputs));
    await this.call("delete", (done) => this.client.delete(request, done));
    this.record("delete", {});
  }

  /** Closes the channel and ends the host process (SIGTERM, then SIGKILL after a grace period). */
  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 3_000);
      await this.exited;
      clearTimeout(timer);
    }
  }

  /** Ends the host process at once, as a crash or `kill -9` would, whatever call is under way. */
  async kill(): Promise<void> {
    this.client.close();
    if (this.running) this.child.kill("SIGKILL");
    await this.exited;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private struct(value: Props): StructPb.Struct {
    return this.sdk.Struct.fromJavaScript(value as Record<string, StructPb.JavaScriptValue>);
  }

  private record<T>(method: string, result: T): T {
    this.transcript.push({ method, ok: true, result });
    return result;
  }

  private call<Res>(
    method: string,
    invoke: (done: (error: GrpcJs.ServiceError | null, response: Res) => void) => void,
  ): Promise<Res> {
    return new Promise((resolve, reject) => {
      invoke((error, response) => {
        if (error) {
          const codeName = this.sdk.grpc.status[error.code] ?? String(error.code);
          this.transcript.push({ method, ok: false, result: { code: codeName, details: error.details } });
          reject(new HostCallError(method, error.code, codeName, error.details));
        } else {
          resolve(response);
        }
      });
    });
  }
}

function plain(struct: StructPb.Struct | undefined): Props {
  return (struct?.toJavaScript() ?? {}) as Props;
}

function readPort(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) {
      reject(new Error("dynamic-provider host has no stdout"));
      return;
    }
    const lines = readline.createInterface({ input: child.stdout });
    const fail = (why: string) => {
      clearTimeout(timer);
      lines.close();
      reject(new Error(`dynamic-provider host did not start: ${why}\n${stderr()}`));
    };
    const timer = setTimeout(() => fail(`no port within ${timeoutMs} ms`), timeoutMs);
    child.once("exit", (code, signal) => fail(`exited (${signal ?? code}) before printing its port`));
    lines.once("line", (line) => {
      clearTimeout(timer);
      const port = Number(line.trim());
      if (!Number.isInteger(port) || port <= 0) fail(`unexpected first line ${JSON.stringify(line)}`);
      else resolve(port);
    });
  });
}

/**
 * The host loads `pulumi-phala/provider` from dist/; fails when dist/ is missing or older than the
 * sources it is built from, so a host test never passes or fails on stale code.
 */
export function assertBuiltProviderFresh(root = REPO_ROOT): void {
  const built = path.join(root, "dist", "provider", "index.js");
  if (!existsSync(built)) throw new Error("dist/provider is missing: run `npm run build` first");
  // tsc rewrites every output on each build, so the newest output is the time of the last build.
  const builtAt = Math.max(
    newestMtime(path.join(root, "dist", "provider"), ".js"),
    newestMtime(path.join(root, "dist", "sdk"), ".js"),
  );
  const sourcesAt = Math.max(
    newestMtime(path.join(root, "provider"), ".ts"),
    newestMtime(path.join(root, "sdk"), ".ts"),
  );
  if (sourcesAt > builtAt) {
    throw new Error("dist/ is older than provider/ or sdk/: run `npm run build` first");
  }
}

function walk(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full, ext);
    return entry.name.endsWith(ext) ? [full] : [];
  });
}

const newestMtime = (dir: string, ext: string) =>
  Math.max(0, ...walk(dir, ext).map((f) => statSync(f).mtimeMs));

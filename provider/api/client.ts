/**
 * `PhalaClient`: the Phala Cloud API as typed methods. Each method is a thin call of the endpoint
 * function of the same name (`cvms.ts`, `envs.ts`, `kms.ts`) on this client's transport.
 */
import { checkBaseUrl } from "./base-url";
import * as cvms from "./cvms";
import * as envs from "./envs";
import * as kms from "./kms";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry";
import type { AppCompose, CvmDetail, CvmList } from "./schemas/cvm";
import type { AppEnvEncryptPubkey, KmsInfo, KmsOnChainDetail, NextAppId } from "./schemas/kms";
import type { CvmOperation } from "./schemas/operations";
import { type RetryInfo, Transport } from "./transport";
import { DEFAULT_BASE_URL, DEFAULT_USER_AGENT } from "./version";

export interface PhalaClientOptions {
  apiKey: string;
  /** API prefix including `/api/v1`; default `https://cloud-api.phala.com/api/v1`. A trailing `/` is ignored. */
  baseUrl?: string;
  /** Per-request timeout; default 30 000 ms. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Default `pulumi-phala/<package version>`. */
  userAgent?: string;
  /** Called before each wait between attempts; the info holds no secrets. */
  onRetry?: (info: RetryInfo) => void;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** A header value must not hold control characters or be empty; the value itself is never echoed. */
function checkApiKey(apiKey: string): string {
  if (typeof apiKey !== "string" || apiKey.trim() === "") {
    throw new TypeError(
      "Phala Cloud API key is missing: set the stack config phala:apiKey (as a secret) or PHALA_CLOUD_API_KEY",
    );
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f\s]/.test(apiKey.trim())) {
    throw new TypeError(
      "Phala Cloud API key contains whitespace or control characters; check how it was set",
    );
  }
  return apiKey.trim();
}

function checkNonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number`);
  return value;
}

export class PhalaClient {
  readonly #transport: Transport;
  /** App-compose documents carried by the CVM details this client read, by CVM id. */
  readonly #composeFiles = new Map<string, AppCompose>();
  /** The API prefix requests go to (never contains credentials). */
  readonly baseUrl: string;

  constructor(options: PhalaClientOptions) {
    const retry = options.retry ?? {};
    this.baseUrl = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
    const timeoutMs = checkNonNegative("timeoutMs", options.timeoutMs, DEFAULT_TIMEOUT_MS);
    if (timeoutMs === 0) throw new RangeError("timeoutMs must be greater than 0");
    this.#transport = new Transport({
      apiKey: checkApiKey(options.apiKey),
      baseUrl: this.baseUrl,
      timeoutMs,
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      retry: {
        limit: Math.floor(checkNonNegative("retry.limit", retry.limit, DEFAULT_RETRY_POLICY.limit)),
        baseDelayMs: checkNonNegative(
          "retry.baseDelayMs",
          retry.baseDelayMs,
          DEFAULT_RETRY_POLICY.baseDelayMs,
        ),
        maxDelayMs: checkNonNegative("retry.maxDelayMs", retry.maxDelayMs, DEFAULT_RETRY_POLICY.maxDelayMs),
        maxRetryAfterMs: checkNonNegative(
          "retry.maxRetryAfterMs",
          retry.maxRetryAfterMs,
          DEFAULT_RETRY_POLICY.maxRetryAfterMs,
        ),
      },
      ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
    });
  }

  async getCvm(cvmId: string): Promise<CvmDetail> {
    const { detail, composeFile } = await cvms.getCvm(this.#transport, cvmId);
    if (composeFile) this.#composeFiles.set(detail.id, composeFile);
    else this.#composeFiles.delete(detail.id);
    return detail;
  }

  /**
   * The compose file that this client's last `getCvm` of the CVM (by the id the detail names) carried,
   * without a request: as fresh as that detail. `getComposeFile` reads it anew.
   */
  composeFileOfLastDetail(cvmId: string): AppCompose | undefined {
    return this.#composeFiles.get(cvmId);
  }

  listCvms(options?: cvms.ListCvmsOptions): Promise<CvmList> {
    return cvms.listCvms(this.#transport, options);
  }

  getComposeFile(cvmId: string): Promise<AppCompose> {
    return cvms.getComposeFile(this.#transport, cvmId);
  }

  patchEnvs(cvmId: string, body: envs.PatchEnvsBody): Promise<envs.PatchEnvsResult> {
    return envs.patchEnvs(this.#transport, cvmId, body);
  }

  listOperations(cvmId: string, options?: cvms.ListOperationsOptions): Promise<CvmOperation[]> {
    return cvms.listOperations(this.#transport, cvmId, options);
  }

  listKms(options?: kms.ListKmsOptions): Promise<KmsInfo[]> {
    return kms.listKms(this.#transport, options);
  }

  getKms(idOrSlug: string): Promise<KmsInfo> {
    return kms.getKms(this.#transport, idOrSlug);
  }

  getAppEnvEncryptPubkey(kmsIdOrSlug: string, appId: string): Promise<AppEnvEncryptPubkey> {
    return kms.getAppEnvEncryptPubkey(this.#transport, kmsIdOrSlug, appId);
  }

  getKmsOnChainDetail(chain: string): Promise<KmsOnChainDetail> {
    return kms.getKmsOnChainDetail(this.#transport, chain);
  }

  getNextAppIds(count: number): Promise<NextAppId[]> {
    return kms.getNextAppIds(this.#transport, count);
  }
}

import { OwnerActionRequiredError } from "../chain";
import { composeHash } from "../crypto";
import { bareAppId, bareHex } from "../normalize";
import { ChainTargetMismatchError, ComposeHashMismatchError, MissingRpcUrlError } from "./errors";
import { OwnerActionPendingError, prepareOwnerAction } from "./owner-action";
import type { RegistrationRequest } from "./plan";
import type { CvmEnvironmentApi, FlowContext } from "./ports";
import type { ResolvedCvm } from "./resolve-cvm";

interface Registration {
  readonly transactionHash: string;
  readonly sentTransaction: boolean;
  /** The app contract the hash was registered on. */
  readonly contract: `0x${string}`;
}

/**
 * The chain step of a 465: the target must be the CVM's own app contract on the CVM's own chain and
 * the hash must match the compose file with the new keys; then the chain module registers it (or finds
 * the earlier registration, or stops with what the owner has to submit).
 */
export async function registerForCvm(
  ctx: FlowContext,
  cvm: ResolvedCvm,
  request: RegistrationRequest,
  envKeys: readonly string[],
  verifyComposeHash: boolean,
): Promise<Registration> {
  assertSameTarget(cvm, request);
  if (verifyComposeHash) {
    await verifyComposeHashForKeys(ctx.api, cvm.canonicalId, envKeys, request.composeHash);
  } else {
    ctx.report(`Compose hash check skipped (verifyComposeHash: false) for ${request.composeHash}`);
  }
  const rpcUrl = ctx.signer.rpcUrl ?? cvm.detail.kmsInfo?.rpcEndpoint;
  if (!rpcUrl) throw new MissingRpcUrlError(request.chainId);
  ctx.report(
    `Registering compose hash ${request.composeHash} on app contract 0x${cvm.appId} (chain ${request.chainId})`,
  );
  const appContract = `0x${cvm.appId}` as const;
  const result = await ctx
    .registerComposeHash({
      rpcUrl,
      expectedChainId: request.chainId,
      appContract,
      composeHash: request.composeHash,
      ...(request.deviceId ? { deviceId: request.deviceId } : {}),
      ...(ctx.signer.privateKey ? { privateKey: ctx.signer.privateKey } : {}),
      ...(ctx.timing.receiptTimeoutMs ? { receiptTimeoutMs: ctx.timing.receiptTimeoutMs } : {}),
      ...(ctx.timing.receiptPollIntervalMs ? { pollIntervalMs: ctx.timing.receiptPollIntervalMs } : {}),
      onProgress: ctx.report,
    })
    .catch(async (error: unknown) => {
      if (!(error instanceof OwnerActionRequiredError) || error instanceof OwnerActionPendingError)
        throw error;
      throw await prepareOwnerAction(ctx, cvm.canonicalId, error);
    });
  return {
    transactionHash: result.transactionHash,
    sentTransaction: result.sentTransaction,
    contract: appContract,
  };
}

function assertSameTarget(cvm: ResolvedCvm, request: RegistrationRequest): void {
  const requestedApp = bareAppId(request.appId);
  const contractApp = bareAppId(cvm.detail.kmsInfo?.dstackAppAddress);
  if (!cvm.appId || requestedApp !== cvm.appId || (contractApp !== undefined && contractApp !== cvm.appId)) {
    throw new ChainTargetMismatchError(
      `The API asked to register a compose hash for app ${request.appId}, but CVM ${cvm.canonicalId} belongs to ` +
        `app ${cvm.appId ?? "(unknown)"}${contractApp ? ` (contract 0x${contractApp})` : ""}. Nothing was signed.`,
    );
  }
  if (cvm.chainId !== undefined && cvm.chainId !== request.chainId) {
    throw new ChainTargetMismatchError(
      `The API asked to register on chain ${request.chainId}, but CVM ${cvm.canonicalId}'s KMS is on chain ${cvm.chainId}. Nothing was signed.`,
    );
  }
}

/**
 * Before anything is signed: the hash the API asks for must be the one the CVM's own compose file
 * yields once `allowed_envs` is the key list being sent (a changed set is sent sorted). Otherwise the
 * signer would approve a compose it has not seen. The compose file the CVM detail carried is tried
 * first; when it yields another hash (or there was none), `GET /cvms/{id}/compose_file` decides.
 */
async function verifyComposeHashForKeys(
  api: CvmEnvironmentApi,
  cvmId: string,
  envKeys: readonly string[],
  requestedHash: string,
): Promise<void> {
  const requested = bareHex(requestedHash);
  const withKeys = (composeFile: Record<string, unknown>) =>
    composeHash({ ...composeFile, allowed_envs: [...envKeys] });
  const fromDetail = api.composeFileOfLastDetail(cvmId);
  if (fromDetail !== undefined && withKeys(fromDetail) === requested) return;
  const computed = withKeys(await api.getComposeFile(cvmId));
  if (computed !== requested) throw new ComposeHashMismatchError(requested, computed, envKeys);
}

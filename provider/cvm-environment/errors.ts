import { PhalaError } from "../phala-error";

/**
 * Failures of the CvmEnvironment flow that are the provider's own decisions. Messages name keys,
 * hashes, ids and addresses; never a value, key material or URL with credentials.
 */
export class CvmEnvironmentError extends PhalaError {}

/** Creating the resource would drop allowed keys the CVM already has. */
export class AdoptionRefusedError extends CvmEnvironmentError {
  constructor(
    readonly cvmId: string,
    readonly existingKeys: readonly string[],
  ) {
    super(
      `CVM ${cvmId} already has environment keys that this resource does not declare: ${existingKeys.join(", ")}. ` +
        "Creating it would remove them. Add them to env, or set adoptExistingEnv: true to take over the " +
        "CVM's environment and replace it with the declared one.",
    );
  }
}

/** The 465 answer points at a different app or chain than the CVM itself. Nothing was signed. */
export class ChainTargetMismatchError extends CvmEnvironmentError {}

/** The compose hash the API asks to register is not the one the CVM's compose file yields with the new keys. */
export class ComposeHashMismatchError extends CvmEnvironmentError {
  constructor(
    /** What the API asks to register (the 465's compose_hash). */
    readonly requested: string,
    /** What the CVM's compose file with the new allowed_envs hashes to (the official SDK's algorithm). */
    readonly computed: string,
    keys: readonly string[],
  ) {
    super(
      `The API expects compose hash ${requested} to be registered, but the CVM's compose file with allowed_envs ` +
        `[${keys.join(", ")}] hashes to ${computed} (the official SDK's algorithm). Nothing was signed. If the ` +
        "compose file serialisation is known to differ, set verifyComposeHash: false to skip this check.",
    );
  }
}

/** The env public key could not be obtained or its KMS signature did not verify. */
export class EnvPublicKeyError extends CvmEnvironmentError {}

export class MissingRpcUrlError extends CvmEnvironmentError {
  constructor(chainId: number) {
    super(
      `Changing the allowed keys needs a chain RPC URL for chain ${chainId}: set the rpcUrl input, ` +
        "`pulumi config set --secret phala:rpcUrl <url>`, or ETH_RPC_URL.",
    );
  }
}

/** The CVM's operation ended in failure; carries the server's message. */
export class OperationFailedError extends CvmEnvironmentError {
  constructor(
    readonly correlationId: string,
    readonly serverMessage: string,
  ) {
    super(`The CVM's update operation ${correlationId} failed: ${serverMessage}`);
  }
}

export class ReadyTimeoutError extends CvmEnvironmentError {
  constructor(
    readonly correlationId: string,
    timeoutSeconds: number,
    lastState: string,
  ) {
    super(
      `The CVM did not finish update operation ${correlationId} within ${timeoutSeconds} s (last seen: ${lastState}). ` +
        "The update was accepted and may still complete; raise readyTimeoutSeconds or set waitForReady: false, " +
        "then run `pulumi up` again.",
    );
  }
}

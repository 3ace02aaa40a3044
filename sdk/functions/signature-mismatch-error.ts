import { PhalaError } from "../../provider/phala-error";

/**
 * The KMS signature over an app's env-encryption public key is malformed or was made by a key other
 * than the expected KMS key. The public key must not be used to encrypt secrets. Only public values
 * (app id, public keys) appear in the message.
 */
export class EnvPublicKeySignatureError extends PhalaError {
  /** The app the env public key was requested for. */
  readonly appId: string;
  /** The KMS key the signature was checked against; null when the signature could not be read. */
  readonly expectedSigner: string | null;
  /** The key that produced the signature; null when the signature could not be read. */
  readonly actualSigner: string | null;

  constructor(init: {
    message: string;
    appId: string;
    expectedSigner: string | null;
    actualSigner: string | null;
  }) {
    super(init.message);
    this.appId = init.appId;
    this.expectedSigner = init.expectedSigner;
    this.actualSigner = init.actualSigner;
  }
}

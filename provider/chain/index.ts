export { redactRpcUrl, rpcUrlSecrets } from "../redact";
export {
  type AppWrite,
  addComposeHashSelector,
  addDeviceSelector,
  composeHashAddedEvent,
  composeHashAddedTopic,
  composeHashPolicy,
  dstackAppAbi,
  dstackKmsAbi,
  policyChangedTopic,
} from "./abi";
export { checkChainId } from "./check-chain-id";
export { addComposeHashCalldata, appCalldata, normalizeComposeHash, normalizeDeviceId } from "./compose-hash";
export { isComposeHashAddedLog } from "./compose-hash-log";
export { describeCause } from "./describe-cause";
export {
  AppContractNotFoundError,
  ChainIdMismatchError,
  ChainRpcError,
  ComposeHashEventMissingError,
  InvalidChainParamsError,
  InvalidComposeHashError,
  type OwnerAction,
  OwnerActionRequiredError,
  PendingTransactionsError,
  PhalaChainError,
  ReceiptTimeoutError,
  TransactionDroppedError,
  TransactionRevertedError,
  TransactionSendError,
} from "./errors";
export {
  DEFAULT_LOG_SEARCH_BLOCKS,
  type FindRegistrationResult,
  findRegistration,
} from "./find-registration";
export { kmsSigningKeyOnChain } from "./kms-signing-key";
export { findPendingTransaction } from "./pending-transaction";
export { hasCode, readKmsSigningKey } from "./read-app-state";
export { registerComposeHash } from "./register-compose-hash";
export { signerLockKey, withSignerLock } from "./signer-lock";

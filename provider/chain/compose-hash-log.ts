import { sameHex } from "../normalize";
import { composeHashAddedTopic } from "./abi";

/** The fields of a log (RPC log or receipt log) needed to recognise a `ComposeHashAdded` event. */
interface LogLike {
  address: string;
  topics: readonly (string | null)[] | readonly string[];
  data: string;
  removed?: boolean;
}

/**
 * True when `log` is `ComposeHashAdded(composeHash)` emitted by `contract`. The event parameter is
 * not indexed, so the hash is the 32-byte `data`. Logs removed by a reorg never match.
 */
export function isComposeHashAddedLog(
  log: LogLike,
  contract: `0x${string}`,
  composeHash: `0x${string}`,
): boolean {
  return (
    log.removed !== true &&
    sameHex(log.address, contract) &&
    sameHex(log.topics[0], composeHashAddedTopic) &&
    sameHex(log.data, composeHash)
  );
}

import { deterministicHex } from "./ids";

/** The one node (teepod) the emulator's CVMs run on: its device id, as in `node_info.device_id` and a 465. */
export const NODE_DEVICE_ID = deterministicHex(32, "device:emulator-node-7");

/** The OS image the CVMs boot (`os.os_image_hash`); the local DstackKms allows it. */
export const OS_IMAGE_HASH = "ab".repeat(32);

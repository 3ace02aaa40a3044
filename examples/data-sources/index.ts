import * as pulumi from "@pulumi/pulumi";
import {
  getAppEnvEncryptPubKeyOutput,
  getCvm,
  getKmsInfoOutput,
  getKmsList,
  getKmsListOutput,
  getKmsOnChainDetail,
  getNextAppIds,
} from "pulumi-phala";

const config = new pulumi.Config();
/** Optional: a CVM to look up (id, app id, VM UUID, instance id or name). */
const cvmId = config.get("cvmId");
/** Chain whose on-chain KMS to describe: `ethereum` (default) or `base`. */
const chain = config.get("chain") === "base" ? "base" : "ethereum";

// Promise form: every KMS, all pages.
const kmsList = getKmsList();

// Output form with a filter: only the off-chain (Phala-operated) KMS instances.
const offchainKms = getKmsListOutput({ onchain: false });

// The first off-chain KMS, looked up again by its slug (or id).
const firstKms = offchainKms.apply((list) => {
  const first = list.items[0];
  if (first === undefined) throw new Error("the API lists no off-chain KMS");
  return first.slug ?? first.id;
});
const kmsInfo = getKmsInfoOutput({ kmsId: firstKms });

// The next app ids of the team; the first one stands in for an app to encrypt secrets for.
const nextAppIds = getNextAppIds({ count: 3 });

// The env-encryption public key of that app from the KMS, with the KMS signature checked against
// the KMS's signing key when the API reports one (else the result says it is unverified).
const envPublicKey = getAppEnvEncryptPubKeyOutput({
  kms: firstKms,
  appId: pulumi.output(nextAppIds).apply((ids) => {
    const first = ids.appIds[0];
    if (first === undefined) throw new Error("the API returned no next app id");
    return first.appId;
  }),
  kmsPublicKey: kmsInfo.apply((kms) => kms.kmsPublicKey ?? undefined),
});

const onChainKms = getKmsOnChainDetail({ chain });

export const kmsCount = kmsList.then((list) => list.items.length);
export const onchainKmsSlugs = kmsList.then((list) =>
  list.items.filter((kms) => kms.onchain).map((kms) => kms.slug ?? kms.id),
);
export const offchainKmsCount = offchainKms.apply((list) => list.items.length);
export const kms = kmsInfo;
export const appIds = nextAppIds.then((result) => result.appIds);
export const appEnvPublicKey = envPublicKey.apply((key) => ({
  appId: key.appId,
  publicKey: key.publicKey,
  signatureVerified: key.signatureVerified,
  signerPublicKey: key.signerPublicKey,
}));
export const onChain = onChainKms.then((detail) => ({
  chainName: detail.chainName,
  chainId: detail.chainId,
  contracts: detail.contracts.map((contract) => ({
    contractAddress: contract.contractAddress,
    devices: contract.devices.length,
    allowedOsImages: contract.osImages
      .filter((image) => image.onChainAllowed === true)
      .map((image) => image.name),
  })),
}));
export const cvm = cvmId === undefined ? undefined : getCvm({ cvmId });

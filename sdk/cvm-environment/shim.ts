import type { CvmEnvironmentProvider } from "../../provider/cvm-environment/properties";

/**
 * The only code serialized into state (`__provider`). Each method loads the implementation by
 * package name, so nothing else is captured and the text stays identical across releases; the
 * golden test in tests/cvm-environment pins it. Do not reference anything outside the method bodies.
 */
export const cvmEnvironmentShim: CvmEnvironmentProvider = {
  async configure(req) {
    return require("pulumi-phala/provider").cvmEnvironmentProvider().configure(req);
  },
  async check(olds, news) {
    return require("pulumi-phala/provider").cvmEnvironmentProvider().check(olds, news);
  },
  async diff(id, olds, news) {
    return require("pulumi-phala/provider").cvmEnvironmentProvider().diff(id, olds, news);
  },
  async create(inputs) {
    return require("pulumi-phala/provider").cvmEnvironmentProvider().create(inputs);
  },
  async read(id, props) {
    return require("pulumi-phala/provider").cvmEnvironmentProvider().read(id, props);
  },
  async update(id, olds, news) {
    return require("pulumi-phala/provider").cvmEnvironmentProvider().update(id, olds, news);
  },
  async delete(id, props) {
    return require("pulumi-phala/provider").cvmEnvironmentProvider().delete(id, props);
  },
};

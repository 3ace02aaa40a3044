import * as pulumi from "@pulumi/pulumi";

const noop: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: `noop-${inputs.index}`, outs: inputs };
  },
};

class Noop extends pulumi.dynamic.Resource {
  constructor(name: string, index: number) {
    super(noop, name, { index }, undefined, "Noop");
  }
}

const count = new pulumi.Config().requireNumber("count");
export const ids = Array.from({ length: count }, (_, i) => new Noop(`noop-${i}`, i).id);

import * as pulumi from "@pulumi/pulumi";

/** The internal surface of `OutputImpl` in @pulumi/pulumi 3.248.0 that tests read. */
interface OutputInternals<T> {
  promise(withUnknowns?: boolean): Promise<T>;
  isKnown: Promise<boolean>;
  isSecret: Promise<boolean>;
}

function internals<T>(output: pulumi.Output<T>): OutputInternals<T> {
  const candidate = output as unknown as Partial<OutputInternals<T>>;
  if (typeof candidate.promise !== "function" || !(candidate.isKnown instanceof Promise)) {
    throw new Error("this @pulumi/pulumi version has no Output.promise(); update the test helper");
  }
  return candidate as OutputInternals<T>;
}

/**
 * The value of an output (rejects with the apply's error). A failed apply also rejects the
 * output's isKnown/isSecret promises, which the Pulumi runtime would observe in a program; observe
 * them here so they do not surface as unhandled rejections in a later test.
 */
export function outputValue<T>(output: pulumi.Output<T>): Promise<T> {
  const parts = internals(output);
  parts.isKnown.catch(() => undefined);
  parts.isSecret.catch(() => undefined);
  return parts.promise();
}

/** Whether the output's value is known (false for an unknown during preview). */
export function isKnown<T>(output: pulumi.Output<T>): Promise<boolean> {
  return internals(output).isKnown;
}

const mocks: pulumi.runtime.Mocks = {
  newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
  call: (args) => args.inputs,
};

/** Installs Pulumi's mock monitor; `preview: true` makes unknown inputs skip applies. */
export function useMocks(preview: boolean): Promise<void> {
  return pulumi.runtime.setMocks(mocks, "functions-test", "dev", preview);
}

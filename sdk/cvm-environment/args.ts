import type * as pulumi from "@pulumi/pulumi";
import type { InputName, RequiredName, ShapeOf } from "../../provider/cvm-environment/properties";

/** What a program may pass for each value type: the whole, and each part, may be an Input. */
interface ArgTypes {
  string: pulumi.Input<string>;
  number: pulumi.Input<number>;
  boolean: pulumi.Input<boolean>;
  stringMap: pulumi.Input<Record<string, pulumi.Input<string>>>;
  stringList: pulumi.Input<pulumi.Input<string>[]>;
  countMap: pulumi.Input<Record<string, pulumi.Input<number>>>;
}

/** The inputs of `CvmEnvironment`, documented where they are declared (`CVM_ENVIRONMENT_PROPERTIES`). */
export interface CvmEnvironmentArgs extends ShapeOf<ArgTypes, InputName, RequiredName> {}

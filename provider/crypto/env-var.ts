/** One variable of a CVM environment, as the guest reads it (`{"env":[{key,value}...]}`). */
export interface EnvVar {
  key: string;
  value: string;
}

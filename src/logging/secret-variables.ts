// The secrets a process holds without being told which they are: the values of its environment
// variables that hold one, by name (OPENAI_API_KEY, PGPASSWORD, …_TOKEN) or because the configuration
// names them in an `*_env` key (`url_env: SIGIL_WEBHOOK_URL`, `email_env: SIGIL_MT_EMAIL`): names with no
// secret shape, whose values a failed request could still quote back.

/** Names of environment variables that hold a secret by convention. */
const SECRET_VARIABLE =
  /(^|_)(API_?KEY|KEY|SECRET|TOKEN|PASSWORD|PASSWD|PASS|PASSPHRASE|PRIVATE_?KEY)$|PASSWORD/i;

/**
 * Variables the loaded configuration names as holding a secret. Process-wide on purpose: the failure of
 * a command is described by its entry point, which never saw the configuration, and must still redact
 * what the configuration pointed at.
 */
const namedByConfig = new Set<string>();

/** Marks variables as holding secrets, so their values are redacted from every message and log line. */
export function rememberSecretVariables(names: Iterable<string>): void {
  for (const name of names) namedByConfig.add(name);
}

/** The values of the environment's secret variables, by convention or named by the configuration. */
export function environmentSecrets(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => value !== undefined && (SECRET_VARIABLE.test(name) || namedByConfig.has(name)))
    .map(([, value]) => value as string);
}

// The configuration API the rest of the router uses.
export { ConfigError } from './config-error';
export { describeConfig, redactConfig } from './describe';
export { formatDurationMs, parseDurationMs } from './duration';
export { eventBusName, parseEventBridgeRuleArn, type EventBridgeRuleArn } from './eventbridge-arn';
export {
  configFileWarnings,
  loadConfigFile,
  loadConfigFileWithWarnings,
  parseConfig,
  parseConfigWithWarnings,
  type LoadedConfig,
  type ParseOptions,
} from './load';
export { splitHostPort, type HostPort } from './urls';
export type * from './types';

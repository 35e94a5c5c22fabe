import { ConfigurationError } from '../errors';

export class InvalidLookbackError extends ConfigurationError {
  readonly value: string;
  constructor(value: string, reason: string) {
    super(`"traceLens.lookback" is "${value.slice(0, 40)}", which cannot be used (${reason}). Use a duration such as 15m, 1h, 24h or 7d.`);
    this.value = value;
  }
}

export class InvalidLensTemplateError extends ConfigurationError {
  readonly template: string;
  constructor(template: string, reason: string) {
    super(`The CodeLens template "${template.slice(0, 120)}" cannot be used (${reason}).`);
    this.template = template;
  }
}

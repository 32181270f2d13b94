// How trades and positions print: prices as every table prints them (domain/number-text.ts), '—' where
// there is none yet (an open trade's exit); money to the cent; quantities without float noise.
import { durationText, priceText } from '../domain/number-text.ts';

export function priceOrDash(value: number | null): string {
  return value === null ? '—' : priceText(value);
}

export function moneyText(value: number | null): string {
  return value === null ? '—' : value.toFixed(2);
}

export function qtyText(value: number): string {
  return String(Number(value.toPrecision(8)));
}

export const ageText = durationText;

// Number formatting for the reasons a person reads in reports and logs: money with 2 decimals and
// spaced thousands ("47 812.40"), percentages without trailing zeros ("42.5").

export function money(amount: number): string {
  const [whole = '0', cents = '00'] = Math.abs(amount).toFixed(2).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${amount < 0 && Number(amount.toFixed(2)) !== 0 ? '-' : ''}${grouped}.${cents}`;
}

export function percent(value: number): string {
  return String(Number(value.toFixed(2)));
}

export function count(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

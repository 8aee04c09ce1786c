import { validateSync } from 'class-validator';
import { IsNumberWithDecimals } from './validators';

class Weight {
  @IsNumberWithDecimals(5)
  weight!: unknown;
}
const valid = (weight: unknown) => validateSync(Object.assign(new Weight(), { weight })).length === 0;

describe('IsNumberWithDecimals', () => {
  it('takes numbers with up to the given decimal places, in any notation', () => {
    expect([0, 1, 0.5, 0.12345, 1e-5, 2e21].map(valid)).toEqual([true, true, true, true, true, true]);
  });

  it('refuses more places, exponent forms included (IsNumber({ maxDecimalPlaces }) threw on 3e-323), and what is not a finite number', () => {
    expect([0.123456, 3e-323, 1e-7, Number.NaN, Infinity, '0.5', null].map(valid)).toEqual([false, false, false, false, false, false, false]);
  });
});

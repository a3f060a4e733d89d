import { BadRequestException } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Min } from 'class-validator';
import { RememberValid } from '@guildhall/core';
import { InputValidationPipe } from './input-validation.pipe';

@RememberValid()
class PageArgs {
  @IsInt()
  @Min(1)
  first!: number;

  @IsOptional()
  @IsString()
  after?: string;
}

/** Inherits the mark. */
class StrictPageArgs extends PageArgs {}

/** Not marked: checked every time. */
class SignUpInput {
  @IsString()
  password!: string;
}

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false };
type Metadata = Parameters<InputValidationPipe['transform']>[1];
const body = (metatype: unknown) => ({ type: 'body', metatype }) as Metadata;

function counted(): { pipe: InputValidationPipe; checks: () => number } {
  const pipe = new InputValidationPipe(OPTIONS);
  const validate = jest.spyOn(pipe as unknown as { validate: () => unknown }, 'validate');
  return { pipe, checks: () => validate.mock.calls.length };
}

describe('InputValidationPipe', () => {
  it('remembers a value of a RememberValid class that passed, and builds the same instance without checking it', async () => {
    const { pipe, checks } = counted();
    const first = await pipe.transform({ first: 20 }, body(PageArgs));
    const again = await pipe.transform({ first: 20 }, body(PageArgs));
    expect(checks()).toBe(1);
    expect(again).toBeInstanceOf(PageArgs);
    expect(again).toEqual(first);
    expect(again).toEqual({ first: 20 });
    expect(again).not.toBe(first);
    // Another value is checked once, then remembered too.
    await pipe.transform({ first: 21, after: 'c' }, body(PageArgs));
    await pipe.transform({ first: 21, after: 'c' }, body(PageArgs));
    expect(checks()).toBe(2);
  });

  it('never remembers a refused value: it is checked and refused every time', async () => {
    const { pipe, checks } = counted();
    for (let i = 0; i < 2; i++) {
      await expect(pipe.transform({ first: 0 }, body(PageArgs))).rejects.toBeInstanceOf(BadRequestException);
      await expect(pipe.transform({ first: 20, extra: 1 }, body(PageArgs))).rejects.toBeInstanceOf(BadRequestException);
    }
    expect(checks()).toBe(4);
  });

  it("keys GraphQL's argument objects (no prototype, absent arguments as undefined) apart from others", async () => {
    const { pipe, checks } = counted();
    const graphqlArgs = () => Object.assign(Object.create(null) as object, { first: 20, after: undefined });
    const fromGraphql = await pipe.transform(graphqlArgs(), body(StrictPageArgs));
    expect(await pipe.transform(graphqlArgs(), body(StrictPageArgs))).toEqual(fromGraphql);
    expect(checks()).toBe(1);
    expect(fromGraphql).toBeInstanceOf(StrictPageArgs);
    // `{first: 20}` is another key than `{first: 20, after: undefined}`: checked on its own.
    await pipe.transform({ first: 20 }, body(StrictPageArgs));
    expect(checks()).toBe(2);
  });

  it('checks every value of a class without the mark, every time (a password is never kept)', async () => {
    const { pipe, checks } = counted();
    await pipe.transform({ password: 'correct horse' }, body(SignUpInput));
    await pipe.transform({ password: 'correct horse' }, body(SignUpInput));
    expect(checks()).toBe(2);
    expect((pipe as unknown as { passed: Map<unknown, unknown> }).passed.size).toBe(0);
  });
});

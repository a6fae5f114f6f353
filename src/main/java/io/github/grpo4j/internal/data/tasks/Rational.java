package io.github.grpo4j.internal.data.tasks;

/**
 * An exact fraction num/den in lowest terms with den &gt; 0, for the countdown verifier: {@code 7/2*2}
 * is exactly 7. Arithmetic throws {@link ArithmeticException} on overflow and on division by zero.
 *
 * @param num numerator
 * @param den denominator, &gt; 0
 */
public record Rational(long num, long den) {

    public Rational {
        if (den == 0) {
            throw new ArithmeticException("division by zero");
        }
        if (den < 0) {
            num = Math.negateExact(num);
            den = Math.negateExact(den);
        }
        long g = gcd(Math.abs(num), den);
        if (g > 1) {
            num /= g;
            den /= g;
        }
    }

    /** The integer n. */
    public static Rational of(long n) {
        return new Rational(n, 1);
    }

    public Rational add(Rational o) {
        return new Rational(Math.addExact(Math.multiplyExact(num, o.den), Math.multiplyExact(o.num, den)), Math.multiplyExact(den, o.den));
    }

    public Rational subtract(Rational o) {
        return add(new Rational(Math.negateExact(o.num), o.den));
    }

    public Rational multiply(Rational o) {
        return new Rational(Math.multiplyExact(num, o.num), Math.multiplyExact(den, o.den));
    }

    /** this / o; ArithmeticException when o is zero. */
    public Rational divide(Rational o) {
        if (o.num == 0) {
            throw new ArithmeticException("division by zero");
        }
        return new Rational(Math.multiplyExact(num, o.den), Math.multiplyExact(den, o.num));
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a == 0 ? 1 : a;
    }

    @Override
    public String toString() {
        return den == 1 ? Long.toString(num) : num + "/" + den;
    }
}

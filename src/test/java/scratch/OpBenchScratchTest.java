package scratch;

import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import java.util.*;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class OpBenchScratchTest {
    static void time(String name, NDManager m, NDArray x, Function<NDArray, NDArray> op) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            try (NDManager step = m.newSubManager()) {
                NDArray l = x.duplicate(); l.attach(step);
                long t0 = System.nanoTime();
                NDArray r = op.apply(l);
                r.get(0).toArray();
                best = Math.min(best, System.nanoTime() - t0);
            }
        }
        System.out.println("OP " + name + ": " + best / 1e6 + " ms");
    }
    @Test
    void bench() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(0, 3, new Shape(64, 151936), DataType.FLOAT32);
            time("div", m, x, a -> a.div(0.7f));
            time("exp", m, x, a -> a.exp());
            time("max", m, x, a -> a.max(new int[] {1}, true));
            time("sum", m, x, a -> a.sum(new int[] {1}, true));
            time("cumSum", m, x, a -> a.cumSum(1));
            time("logSoftmax", m, x, a -> a.logSoftmax(1));
            time("argMax", m, x, a -> a.argMax(1));
            time("lte+sum", m, x, a -> a.lte(0.5f).sum(new int[] {1}, true));
            time("topK50", m, x, a -> a.topK(50, 1, true, true).get(0));
            time("topKall", m, x, a -> a.topK(151936, 1, true, true).get(0));
            time("sort", m, x, a -> a.sort(1));
        }
    }
}

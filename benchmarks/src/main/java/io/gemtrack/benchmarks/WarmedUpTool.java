package io.gemtrack.benchmarks;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs one of Kafka's command-line tools twice in one JVM, its output of each run followed by {@link #END_OF_RUN}: the
 * first run (with its own arguments, e.g. another topic or group) starts cold and compiles the tool's code, the
 * second runs on compiled code, as gemtrack's own steps are run.
 *
 * <p>Arguments: the tool's main class, the number of warm-up arguments, the warm-up arguments, the measured ones.
 */
public final class WarmedUpTool {

    static final String END_OF_RUN = "--- end of run ---";

    private WarmedUpTool() {
    }

    public static void main(String[] args) throws Exception {
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        int warmUpCount = Integer.parseInt(args[1]);
        String[] warmUp = Arrays.copyOfRange(args, 2, 2 + warmUpCount);
        String[] measured = Arrays.copyOfRange(args, 2 + warmUpCount, args.length);
        invoke(main, warmUp);
        System.out.println(END_OF_RUN);
        invoke(main, measured);
        System.out.println(END_OF_RUN);
    }

    private static void invoke(Method main, String[] arguments) throws Exception {
        try {
            main.invoke(null, (Object) arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}

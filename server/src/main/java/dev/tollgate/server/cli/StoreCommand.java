package dev.tollgate.server.cli;

import dev.tollgate.server.Tollgate;
import dev.tollgate.store.JdbcStore;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;

/** A command that works on the store directly: the same store a running server uses. */
abstract class StoreCommand implements Callable<Integer> {

    @Mixin
    StoreOptions store;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        try (Tollgate app = new Tollgate(JdbcStore.open(store.toStoreConfig()), Clock.systemUTC(),
                Tollgate.issuersFor(null))) {
            run(app, spec.commandLine().getOut());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    abstract void run(Tollgate app, PrintWriter out);
}

package dev.lastseen.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The real Apicurio Registry for the integration tests, one for the whole run (it takes longest
 * to start): created on first use, handed to any test or lifecycle method that asks for an
 * {@link ApicurioRegistry} parameter ({@code @ExtendWith(ApicurioRegistryExtension.class)}), and
 * stopped by JUnit when the run ends. Test classes keep apart by topic names.
 */
public final class ApicurioRegistryExtension implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ApicurioRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(ApicurioRegistry.class, k -> ApicurioRegistry.start(), ApicurioRegistry.class);
    }
}

package espgw.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/** Reads a YAML file into a {@link ConfigNode}, turning syntax errors into one-line messages. */
public final class ConfigFile {
    private ConfigFile() {
    }

    public static ConfigNode read(Path file) throws ConfigException {
        String name = file.toString();
        Object document;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            // SafeConstructor: plain maps, lists and scalars only, never arbitrary Java types.
            LoaderOptions options = new LoaderOptions();
            document = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()),
                    new DumperOptions(), options, new ScalarsAsText()).load(in);
        } catch (NoSuchFileException e) {
            throw new ConfigException(name, "", "no such file");
        } catch (IOException e) {
            throw new ConfigException(name, "", "cannot be read: " + e.getMessage());
        } catch (MarkedYAMLException e) {
            throw new ConfigException(name, "", "not valid YAML at line " + (e.getProblemMark().getLine() + 1)
                    + ", column " + (e.getProblemMark().getColumn() + 1) + ": " + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigException(name, "", "not valid YAML: " + e.getMessage());
        }
        if (!(document instanceof Map<?, ?> root)) {
            throw new ConfigException(name, "", document == null ? "is empty" : "must be a YAML mapping at the top");
        }
        return new ConfigNode(name, "", root);
    }

    /**
     * Keeps numbers as the text the operator wrote: YAML would read {@code key: 0x0123...} as an
     * integer and {@code spi: 0x1001} in decimal. Only booleans and null are resolved; the config
     * reader parses numbers itself, with errors that name the field.
     */
    private static final class ScalarsAsText extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
            addImplicitResolver(Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(Tag.NULL, EMPTY, null);
        }
    }
}

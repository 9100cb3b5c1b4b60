package com.shopflow.ingest.helm;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds fields the Kubernetes API does not define. fabric8's model keeps unknown YAML keys in each object's
 * {@code additionalProperties} map instead of failing, so a typo such as {@code automountServiceAcountToken}
 * would pass a plain parse; walking the typed object graph and requiring those maps to be empty catches it.
 */
final class ModelFields {
    private static final int MAX_DEPTH = 40;

    private ModelFields() {
    }

    static List<String> unknown(Object root) {
        List<String> found = new ArrayList<>();
        walk(root, "", 0, found, new IdentityHashMap<>());
        return found;
    }

    private static void walk(Object o, String path, int depth, List<String> found, Map<Object, Boolean> seen) {
        if (o == null || depth > MAX_DEPTH || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Iterable<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(item, path + "[" + i++ + "]", depth + 1, found, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, depth + 1, found, seen));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(o);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> found.add(path + "." + k));
                }
            } else {
                walk(value, path + "." + Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4), depth + 1, found, seen);
            }
        }
    }
}

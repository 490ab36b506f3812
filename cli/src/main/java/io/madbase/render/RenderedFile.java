package io.madbase.render;

/**
 * One rendered file.
 *
 * @param path relative to the output directory, with '/' separators
 * @param secret true when it holds a password: written with mode 0600
 */
public record RenderedFile(String path, String content, boolean secret) {}

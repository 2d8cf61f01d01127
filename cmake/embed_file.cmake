# Compiles one file into a C source: a NUL-terminated array NAME of its
# bytes. Run by the build (cmake -P) with -DIN=… -DOUT=… -DNAME=… whenever
# the file changes.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT}.tmp "/* Generated from ${IN} by cmake/embed_file.cmake: do not edit. */\nconst char ${NAME}[] = { ${bytes} 0x00 };\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)

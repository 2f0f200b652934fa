# The warnings every C++ source compiles with, in the freestanding target and in the host
# tests alike [house style §12]: a new warning is a bug, so each one stops the build.
set(TESSERA_WARNING_FLAGS -Wall -Wextra -Wshadow -Wconversion -Werror)

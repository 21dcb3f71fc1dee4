#ifndef PERENNIAL_CSODIUM_SHIM_H
#define PERENNIAL_CSODIUM_SHIM_H
#include <sodium.h>
#endif

"""The original bot's photo stack, OpenCV with Pillow, doing what the sharp checker does.

Usage: /usr/bin/python3 baseline.py <workers> <image>...
Prints one JSON line: wall and CPU time over the images (after a warm-up pass over the same images,
as the sharp side does), and this process's VmHWM.
Each library runs single-threaded; with more than one worker, photos go to a process pool (the
way CPython uses several cores: threads would share the GIL).
"""
import io
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import cv2
import numpy as np
from PIL import Image, ImageOps

MAX_LONG_SIDE = 2048


def single_threaded():
    cv2.setNumThreads(1)


def dhash(gray):
    small = cv2.resize(gray, (9, 8), interpolation=cv2.INTER_AREA).astype(np.int16)
    bits = (small[:, :-1] > small[:, 1:]).flatten()
    return int("".join("1" if b else "0" for b in bits), 2)


def check(path, earlier=()):
    """Returns the CPU seconds it took (this worker is single-threaded)."""
    cpu = time.process_time()
    with open(path, "rb") as f:
        data = f.read()
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    width, height = image.size
    scale = MAX_LONG_SIDE / max(width, height)
    if scale < 1:
        image = image.resize((round(width * scale), round(height * scale)), Image.BICUBIC)
    gray = cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2GRAY)
    sharpness = cv2.Laplacian(gray, cv2.CV_64F).var()
    luminance = float(gray.mean())
    h = dhash(gray)
    duplicate = any(bin(h ^ e).count("1") <= 6 for e in earlier)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    assert h >= 0 and sharpness >= 0 and luminance >= 0 and duplicate in (True, False) and out.tell() > 0
    return time.process_time() - cpu


def vm_hwm_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    workers = int(sys.argv[1])
    paths = sys.argv[2:]
    single_threaded()
    if workers == 1:
        for path in paths:
            check(path)
        started = time.perf_counter()
        cpu = sum(check(path) for path in paths)
        elapsed = time.perf_counter() - started
    else:
        with ProcessPoolExecutor(workers, initializer=single_threaded) as pool:
            list(pool.map(check, paths))
            started = time.perf_counter()
            cpu = sum(pool.map(check, paths))
            elapsed = time.perf_counter() - started
    print(json.dumps({"ms": elapsed * 1000, "cpuMs": cpu * 1000, "photos": len(paths), "selfPeakRssMb": vm_hwm_mb()}))


if __name__ == "__main__":
    main()

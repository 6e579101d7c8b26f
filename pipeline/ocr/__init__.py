"""OCR of scanned pages and of tables printed as images (the optional extra ``ocr``: rapidocr + onnxruntime).

``image`` prepares page pixels (seal and shading removed, deskewed), ``grid`` recovers ruled tables from the
image, ``engine`` runs the recogniser, ``page`` reads one page's tables and title lines.
"""

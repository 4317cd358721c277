"""Notes written the way real ones are: templates, dictation, chiropractic, ED, radiology, problem lists."""

CLINIC_TEMPLATE = """\
CHIEF COMPLAINT: Neck pain x 5 months.
HPI: 52 yo F with chronic posterior neck pain and occipital headaches since MVA in 2019. Denies arm numbness,
dizziness or vertigo. Failed PT and NSAIDs (ibuprofen) with minimal relief.
PMH: HTN, hypothyroidism.
FAMILY HISTORY: Mother with scoliosis.
EXAM: DTRs 2+ symmetric, strength 5/5 bilateral UE, SILT. Spurling negative. No Hoffmann sign.
IMAGING: MRI C-spine: C5-6 facet hypertrophy, no disc herniation.
ASSESSMENT: Cervical facet syndrome at C7-T1. Possible cervicocranial syndrome.
PLAN: Recommend C7-T1 medial branch block. Consider RFA if positive.
"""

CHIROPRACTIC = """\
S: Pt presents w/ upper neck pain and suboccipital HA 3x/wk, onset 2 yrs ago after a fall off a ladder.
Reports intermittent dizziness w/ rotation. No visual changes.
O: Palpation reveals hypertonicity of the suboccipitals, restricted motion C1-C2 on R rotation.
Segmental dysfunction noted at occiput-C1 and T4.
A: 1. Craniocervical junction dysfunction 2. Thoracic segmental dysfunction 3. Cervicogenic headache
P: CMT to C1, T4. Home stretching. Re-eval in 4 wks.
"""

EMERGENCY = """\
32 yo M BIBA s/p MVC today, restrained driver, rear-ended at 30 mph. c/o neck pain and stiffness.
Denies LOC, HA, numbness or tingling. No midline C-spine tenderness.
CT C-spine: no acute fracture or malalignment.
MDM: Likely whiplash. Dx: acute cervical strain, initial encounter. Rx cyclobenzaprine, f/u PCP.
"""

RADIOLOGY = """\
EXAM: MRI CERVICAL SPINE WITHOUT CONTRAST
CLINICAL HISTORY: Neck pain, rule out disc herniation.
FINDINGS: Straightening of the normal cervical lordosis. C2-3: Unremarkable. C3-4: Mild uncovertebral
hypertrophy without stenosis. C5-6: Broad-based disc bulge with mild bilateral foraminal narrowing.
C7-T1: Bilateral facet arthropathy. No cord signal abnormality.
IMPRESSION: 1. Multilevel spondylosis, most pronounced at C5-6. 2. No spinal cord compression.
"""

PROBLEM_LIST = """\
Dx:
1. LBP
2. L4-5 DDD w/ L5 radiculopathy
3. r/o lumbar spinal stenosis
4. Coccydynia s/p fall on tailbone 3 weeks ago
"""

DICTATION_WITH_TYPOS = """\
The patient is a 61-year-old gentleman who has had cervicalgia for about two years. He states the pain
radiates to the left shoulder blade. He has tried chiropractic manipulation which did not help. He has a
history of cervical radiculapathy in 2015 that resolved with an epidural. His brother has degenerative
disc disease. On examination, biceps reflexes are 1+ on the left. If his symptoms progress, we will obtain
an EMG.
"""

NOT_SPINE = """\
Femoral neck fracture on the left. Heart: RRR, normal S1 S2, no murmurs.
Sacral decubitus ulcer stage 2. The patient developed hemodynamic instability overnight.
Cervical os closed. Brain MRI: increased T2 signal in the periventricular white matter.
"""
